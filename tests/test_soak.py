"""A short soak under wrk (`make soak` runs the long one): no errors, no 5xx, steady RSS."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from app.config import PROJECT_ROOT


def test_short_soak() -> None:
    if shutil.which("wrk") is None:
        pytest.fail("wrk is missing: apt-get install wrk (make test installs it)")
    run = subprocess.run(
        [sys.executable, "bench/soak.py"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SOAK_SECONDS": "5", "SOAK_CONNECTIONS": "32"},
    )
    assert run.returncode == 0, run.stdout[-1500:] + run.stderr[-1500:]
    assert "Socket errors" not in run.stdout
