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
from app.translation.engine import Engine
from tests.conftest import FIXTURE_MODELS
from tests.test_packages import build, package_files

DRIP = 0.5  # seconds between two bytes of a trickling answer


class Files(BaseHTTPRequestHandler):
    """Serve the server's `files` mapping; /slow/... waits before answering, /drip/... and
    /drip-headers/... send the body, or the headers, one byte every DRIP seconds."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        files: dict[str, bytes] = self.server.files  # type: ignore[attr-defined]
        if self.path.startswith("/slow/"):
            time.sleep(3)
        if self.path.startswith(("/drip/", "/drip-headers/")):
            self.drip(self.path.startswith("/drip-headers/"))
            return
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

    def drip(self, headers: bool) -> None:
        """Trickle 40 bytes (20 s at most), stopping when the client hangs up."""
        head = b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n"
        try:
            if not headers:
                self.wfile.write(head)
            for byte in (head if headers else b"x" * 40)[:40]:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(DRIP)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

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


@pytest.mark.parametrize("trickle", ["drip", "drip-headers"])
def test_a_trickling_server_is_cut_off_at_the_total_timeout(
    server: ThreadingHTTPServer, tmp_path: Path, trickle: str
) -> None:
    publish(server, tmp_path, prefix=f"/{trickle}")
    started = time.monotonic()
    code, output = install(server, tmp_path / "models", "--timeout", "2")
    elapsed = time.monotonic() - started
    assert code == 1
    assert "/translate-en_fr-1_0.argosmodel: timed out after 2 s" in output
    assert 2 <= elapsed < 2 + 1.5  # each byte came well within 2 s: only a total deadline stops it
    assert not (tmp_path / "models").exists()


def real_index(httpd: ThreadingHTTPServer, package: bytes) -> None:
    """An index shaped like Argos's own (argospm-index): `code`, several `links`, no size, no
    checksum, no `type`; the first links cannot be fetched here (IPFS, then a 404)."""
    url = base(httpd)

    def entry(source: str, target: str, version: str, links: list[str]) -> dict[str, object]:
        return {
            "package_version": version,
            "argos_version": "1.9.0",
            "from_code": source,
            "from_name": {"en": "English", "fr": "French", "de": "German"}[source],
            "to_code": target,
            "to_name": {"en": "English", "fr": "French", "de": "German"}[target],
            "links": links,
            "code": f"translate-{source}_{target}",
        }

    index = [
        entry("de", "en", "1.0", [f"{url}/translate-de_en-1_0.argosmodel"]),
        entry("en", "fr", "0.9", [f"{url}/translate-en_fr-0_9.argosmodel"]),
        entry(
            "en",
            "fr",
            "1.9",
            [
                "ipfs://QmV5bmf8iqKpoGoyuTzEppaSWdceuW6zgiePaUr5ThPCpW",
                f"{url}/gone/translate-en_fr-1_9.argosmodel",
                f"{url}/translate-en_fr-1_9.argosmodel",
            ],
        ),
        {"from_code": ["en"], "to_code": "fr", "links": "not a list"},
        "not an entry",
    ]
    httpd.files.update(  # type: ignore[attr-defined]
        {
            "/index.json": json.dumps(index, indent=4).encode(),
            "/translate-en_fr-1_9.argosmodel": package,
        }
    )


def test_an_entry_of_the_real_index_installs_and_translates(
    server: ThreadingHTTPServer, tmp_path: Path
) -> None:
    real_index(server, (FIXTURE_MODELS / "translate-en_fr.argosmodel").read_bytes())
    models = tmp_path / "models"
    code, output = install(server, models)
    assert code == 0, output
    assert "installed translate-en_fr 1.0" in output  # the archive's own metadata
    lock = json.loads((models / "models.lock.json").read_text())
    assert lock["translate-en_fr"]["source"] == f"{base(server)}/translate-en_fr-1_9.argosmodel"
    engine = Engine(models, beam_size=1)
    sentence = "Kidal has been under their control ever since."
    assert engine.translate([sentence], "en", "fr") == [
        "Kidal est depuis lors restée sous leur contrôle."
    ]


def test_an_entry_whose_links_all_fail_says_why(
    server: ThreadingHTTPServer, tmp_path: Path
) -> None:
    real_index(server, b"")
    del server.files["/translate-en_fr-1_9.argosmodel"]  # type: ignore[attr-defined]
    code, output = install(server, tmp_path / "models")
    assert code == 1
    assert "no link could be downloaded: cannot fetch" in output
    assert "gone/translate-en_fr-1_9.argosmodel: HTTP Error 404" in output


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "is not JSON"),
        (b'{"packages": []}', "is not a list of packages"),
        (b" " * (8 * 1024 * 1024 + 1), "is over 8388608 bytes"),
    ],
    ids=["deep", "object", "huge"],
)
def test_a_bad_index_is_refused(
    server: ThreadingHTTPServer, tmp_path: Path, body: bytes, message: str
) -> None:
    server.files["/index.json"] = body  # type: ignore[attr-defined]
    code, output = install(server, tmp_path / "models")
    assert code == 1 and message in output and "Traceback" not in output


def test_a_language_code_that_is_not_one_is_refused(
    server: ThreadingHTTPServer, tmp_path: Path
) -> None:
    publish(server, tmp_path)
    result = CliRunner().invoke(
        main,
        [
            "models",
            "install",
            "../x",
            "fr",
            "--index",
            f"{base(server)}/index.json",
            "--models-dir",
            str(tmp_path / "models"),
        ],
    )
    assert result.exit_code == 1
    assert "language code '../x' is not a language code" in result.output
