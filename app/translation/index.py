"""The Argos package index: find a package for a language pair and download it, bounded.

Downloads have a timeout, a size cap and a progress callback, and go to a temporary file that
is checked before anything is installed.
"""

from __future__ import annotations

import json
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.translation.packages import PackageError

Progress = Callable[[int, int | None], None]
"""Called with (bytes so far, total bytes or None)."""

MAX_INDEX_BYTES = 8 * 1024 * 1024


def _open(url: str, timeout: float) -> Any:
    request = urllib.request.Request(url, headers={"User-Agent": "depeche-models/1"})
    try:
        return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (http(s) only)
    except (OSError, ValueError) as error:
        raise PackageError(f"cannot fetch {url}: {error}") from error


def find_in_index(index_url: str, source: str, target: str, timeout: float = 30) -> dict[str, Any]:
    """The newest translate entry for (source, target) in the index, as argos describes it."""
    if not index_url.startswith(("https://", "http://", "file://")):
        raise PackageError(f"index URL must be http(s) or file: {index_url!r}")
    with _open(index_url, timeout) as response:
        raw = response.read(MAX_INDEX_BYTES + 1)
    if len(raw) > MAX_INDEX_BYTES:
        raise PackageError(f"index at {index_url} is over {MAX_INDEX_BYTES} bytes")
    try:
        entries = json.loads(raw)
    except ValueError as error:
        raise PackageError(f"index at {index_url} is not JSON: {error}") from error
    if not isinstance(entries, list):
        raise PackageError(f"index at {index_url} is not a list of packages")
    from app.translation.argos import package_module

    argos = package_module()
    candidates = [
        entry
        for entry in entries
        if isinstance(entry, dict)
        and entry.get("type", "translate") == "translate"
        and (entry.get("from_code"), entry.get("to_code")) == (source, target)
        and entry.get("links")
    ]
    if not candidates:
        raise PackageError(f"no {source}→{target} package in the index at {index_url}")
    from packaging.version import InvalidVersion, Version

    def version(entry: dict[str, Any]) -> Version:
        try:
            return Version(str(argos.AvailablePackage(entry).package_version))
        except InvalidVersion:
            return Version("0")

    return max(candidates, key=version)


def download(
    url: str, max_bytes: int, timeout: float = 30, progress: Progress | None = None
) -> Path:
    """Download *url* to a temporary file (caller deletes it); refuse more than *max_bytes*."""
    if not url.startswith(("https://", "http://", "file://")):
        raise PackageError(f"download URL must be http(s) or file: {url!r}")
    with _open(url, timeout) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        if total is not None and total > max_bytes:
            raise PackageError(f"{url} is {total} bytes (limit {max_bytes})")
        handle = tempfile.NamedTemporaryFile(prefix="depeche-", suffix=".argosmodel", delete=False)
        done = 0
        try:
            with handle:
                for block in iter(lambda: response.read(1 << 16), b""):
                    done += len(block)
                    if done > max_bytes:
                        raise PackageError(f"{url} is over {max_bytes} bytes")
                    handle.write(block)
                    if progress is not None:
                        progress(done, total)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
    return Path(handle.name)
