"""`depeche models install` against an Argos index and packages served on loopback by the test."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from tests.test_packages import build, package_files


class Files(BaseHTTPRequestHandler):
    """Serve the server's `files` mapping; /slow/... waits before answering."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        files: dict[str, bytes] = self.server.files  # type: ignore[attr-defined]
        if self.path.startswith("/slow/"):
            time.sleep(3)
        body = files.get(self.path.removeprefix("/slow"))
        if body is None:
            self.send_error(404)
            return
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test): nothing to answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    httpd.files = {}  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def base(httpd: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}"


def publish(httpd: ThreadingHTTPServer, tmp_path: Path, prefix: str = "") -> None:
    package = build(tmp_path / "pkg.argosmodel", package_files()).read_bytes()
    entry = {
        "from_code": "en",
        "to_code": "fr",
        "from_name": "English",
        "to_name": "French",
        "package_version": "1.0",
        "argos_version": "1.9.0",
        "type": "translate",
        "links": [f"{base(httpd)}{prefix}/translate-en_fr-1_0.argosmodel"],
    }
    old = {**entry, "package_version": "0.9", "links": [f"{base(httpd)}/missing.argosmodel"]}
    httpd.files.update(
        {  # type: ignore[attr-defined]
            "/index.json": json.dumps([old, entry]).encode(),
            "/translate-en_fr-1_0.argosmodel": package,
        }
    )


def install(httpd: ThreadingHTTPServer, models: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        [
            "models",
            "install",
            "en",
            "fr",
            "--index",
            f"{base(httpd)}/index.json",
            "--models-dir",
            str(models),
            *extra,
        ],
    )
    return result.exit_code, result.output


def test_install_from_the_index(server: ThreadingHTTPServer, tmp_path: Path) -> None:
    publish(server, tmp_path)
    code, output = install(server, tmp_path / "models")
    assert code == 0, output
    assert "installed translate-en_fr 1.0" in output
    listed = CliRunner().invoke(main, ["models", "list", "--models-dir", str(tmp_path / "models")])
    assert "en → fr  translate-en_fr 1.0" in listed.output


def test_a_pair_missing_from_the_index(server: ThreadingHTTPServer, tmp_path: Path) -> None:
    publish(server, tmp_path)
    result = CliRunner().invoke(
        main,
        [
            "models",
            "install",
            "fr",
            "en",
            "--index",
            f"{base(server)}/index.json",
            "--models-dir",
            str(tmp_path / "models"),
        ],
    )
    assert result.exit_code == 1
    assert "no fr→en package in the index" in result.output


def test_download_over_the_size_cap_is_refused(server: ThreadingHTTPServer, tmp_path: Path) -> None:
    publish(server, tmp_path)
    code, output = install(server, tmp_path / "models", "--max-bytes", "100")
    assert code == 1
    assert "limit 100" in output
    assert not (tmp_path / "models").exists()


def test_a_server_that_does_not_answer_times_out(
    server: ThreadingHTTPServer, tmp_path: Path
) -> None:
    publish(server, tmp_path, prefix="/slow")
    started = time.monotonic()
    code, output = install(server, tmp_path / "models", "--timeout", "0.5")
    assert code == 1
    assert "timed out" in output
    assert time.monotonic() - started < 3


def test_an_index_that_is_not_json(server: ThreadingHTTPServer, tmp_path: Path) -> None:
    server.files["/index.json"] = b"<html>"  # type: ignore[attr-defined]
    code, output = install(server, tmp_path / "models")
    assert code == 1 and "is not JSON" in output


def test_remove(server: ThreadingHTTPServer, tmp_path: Path) -> None:
    publish(server, tmp_path)
    install(server, tmp_path / "models")
    runner = CliRunner()
    args = ["models", "remove", "en", "fr", "--models-dir", str(tmp_path / "models")]
    assert runner.invoke(main, args).exit_code == 0
    again = runner.invoke(main, args)
    assert again.exit_code == 1 and "no en→fr model installed" in again.output
