"""Replicas are interchangeable: two granian instances behind a real nginx answer alike.

Same bytes and the same ETag for the same URL and locale, from either instance directly or
through nginx (which takes turns between them), and an ETag one instance gave is a 304 at the
other: a CDN or cache in front of any number of replicas can revalidate against any of them.

On SQLite each instance has a store of its own, imported from the same folder; with
``--store=postgresql`` both share one PostgreSQL database, and a change written through one
instance is served by the other within a second — told by NOTIFY, since neither looks for
changes on its own (their check interval is an hour).
"""

from __future__ import annotations

import http.client
import os
import pwd
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.auth import tokens
from app.config import PROJECT_ROOT
from app.store.database import Database
from app.translation.packages import install_archive
from tests.conftest import DATA_DIR, FIXTURE_MODELS, SLUG
from tests.granian import free_port
from tests.store import database_from, on_postgresql


def _nginx() -> str | None:
    found = shutil.which("nginx")
    if found is None and os.access("/usr/sbin/nginx", os.X_OK):
        found = "/usr/sbin/nginx"
    return found


NGINX = _nginx()

START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 10.0
#: An article of the store with no French catalog: instance "a" machine-translates it.
UNTRANSLATED = f"{SLUG}-untranslated"

#: (path, request headers): one URL in one locale, the way a reader or a cache would ask.
REQUESTS = [
    (f"/fr/articles/{SLUG}", {}),
    (f"/en/articles/{SLUG}", {}),
    (f"/fr/articles/{SLUG}/facts", {}),
    (f"/api/v1/articles/{SLUG}/facts?lang=fr", {}),
    (f"/api/v1/articles/{SLUG}/facts?lang=en-GB", {}),
    (f"/api/v1/articles/{SLUG}", {"Accept-Language": "fr-CA, en;q=0.5"}),
    ("/api/v1/articles", {"Accept-Language": "en"}),
]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    token: str = ""
    """A publish token in the instance's store (a shared store only)."""

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self.send("GET", path, headers)

    def send(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body or None, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
        finally:
            connection.close()


def start(name: str, command: list[str], folder: Path, env: dict[str, str], port: int) -> Server:
    """Start *command*, which listens on *port* (``{port}`` in it), and wait until it answers."""
    log = folder / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [part.format(port=port) for part in command],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(name, port, process, log)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with {process.returncode}:\n{log.read_text()}")
        try:
            if server.get("/healthz").status == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop(server)
            pytest.fail(f"{name} did not answer /healthz in {START_TIMEOUT} s:\n{log.read_text()}")
        time.sleep(0.1)


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


def granian_command() -> list[str]:
    granian = Path(sys.executable).with_name("granian")
    return [
        str(granian) if granian.exists() else "granian",
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--workers",
        "1",
        "--no-ws",
        "app.wsgi:app",
    ]


def nginx_conf(folder: Path, port: int, upstreams: list[int]) -> Path:
    """A whole nginx.conf: logs, pid and temp files in *folder*, both instances upstream."""
    servers = "\n".join(f"        server 127.0.0.1:{upstream};" for upstream in upstreams)
    # Started as root, nginx would hand its workers to "nobody", who cannot enter tmp_path.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""
{user}
daemon off;
master_process on;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    access_log {folder / "access.log"};
{temp}
    upstream depeche {{
{servers}
        keepalive 4;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://depeche;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_connect_timeout 5s;
            proxy_read_timeout 10s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
""",
        encoding="utf-8",
    )
    return conf


def issue_token_in(url: str) -> str:
    """A publish token made in the store at *url*, as `depeche tokens create` does."""
    database = Database(url)
    try:
        with database.write() as session:
            return tokens.create(session, "scaleout", ("publish",))
    finally:
        database.dispose()


def store_folder(root: Path) -> Path:
    """The seed's data folder, plus a copy of its article under another slug and with no
    French catalog."""
    shutil.copytree(DATA_DIR, root)
    copy = root / "articles" / UNTRANSLATED
    shutil.copytree(root / "articles" / SLUG, copy)
    (copy / "fr.po").unlink()
    md = copy / "article.md"
    md.write_text(md.read_text().replace(f"slug: {SLUG}\n", f"slug: {UNTRANSLATED}\n", 1))
    return root


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    """Instances "a" and "b" of the app, one worker each, and "nginx" in front of both."""
    if NGINX is None:
        pytest.fail("nginx is missing: apt-get install nginx (make test installs it)")
    folder = tmp_path_factory.mktemp("scaleout")
    data = store_folder(folder / "data")
    # "a" can translate (and so writes to the store when asked for a gap), "b" cannot.
    models = {"a": tmp_path_factory.mktemp("models-a"), "b": tmp_path_factory.mktemp("models-b")}
    install_archive(FIXTURE_MODELS / "translate-en_fr.argosmodel", models["a"])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRANIAN_", "PROMETHEUS_"))}
    # Every replica of a deployment is told its public URL: links in pages do not then depend
    # on the Host each one happens to see (an instance's own port, or nginx's).
    env.update(
        DEPECHE_PUBLIC_URL="https://news.example",
        DEPECHE_BEAM_SIZE="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    shared = database_from(data, tmp_path_factory.mktemp("store")) if on_postgresql() else None
    if shared:
        env["DEPECHE_CHANGE_CHECK_INTERVAL"] = "3600"
    token = issue_token_in(shared) if shared else ""
    started: dict[str, Server] = {}
    try:
        for name in ("a", "b"):
            # On SQLite, each replica on a store imported on its own: the same bytes all the same.
            store = shared or database_from(data, tmp_path_factory.mktemp(f"store-{name}"))
            own = {**env, "DEPECHE_DATABASE_URL": store, "DEPECHE_MODELS_DIR": str(models[name])}
            started[name] = start(name, granian_command(), folder, own, free_port())
            started[name].token = token
        assert NGINX is not None
        port = free_port()
        conf = nginx_conf(folder, port, [started["a"].port, started["b"].port])
        command = [NGINX, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")]
        started["nginx"] = start("nginx", command, folder, env, port)
        yield started
    finally:
        for server in reversed(started.values()):
            stop(server)


def test_instances_and_nginx_give_the_same_bytes_and_etag(servers: dict[str, Server]) -> None:
    for path, headers in REQUESTS:
        # Twice each instance: the first answer is rendered by Flask, the second comes from the
        # memo; four times through nginx, which sends two of them to each instance.
        answers = {
            f"{name}#{n}": servers[name].get(path, headers)
            for name, times in (("a", 2), ("b", 2), ("nginx", 4))
            for n in range(times)
        }
        for where, answer in answers.items():
            assert answer.status == 200, (path, where, answer.body[:200])
            assert answer.headers.get("etag"), (path, where)
        assert len({answer.body for answer in answers.values()}) == 1, path
        assert len({answer.headers["etag"] for answer in answers.values()}) == 1, path
        assert len({answer.headers["content-language"] for answer in answers.values()}) == 1


def test_nginx_takes_turns_between_the_instances(servers: dict[str, Server]) -> None:
    upstreams = {servers["nginx"].get("/healthz").headers["x-upstream"] for _ in range(4)}
    assert upstreams == {f"127.0.0.1:{servers[name].port}" for name in ("a", "b")}


@pytest.mark.parametrize(("path", "headers"), REQUESTS)
def test_an_etag_from_one_instance_is_a_304_at_the_other(
    servers: dict[str, Server], path: str, headers: dict[str, str]
) -> None:
    etag = servers["a"].get(path, headers).headers["etag"]
    for name in ("b", "nginx", "nginx"):
        answer = servers[name].get(path, {**headers, "If-None-Match": etag})
        assert answer.status == 304, (name, answer.status)
        assert answer.body == b""
        assert answer.headers["etag"] == etag


@pytest.mark.skipif(not on_postgresql(), reason="one shared store: pytest --store=postgresql")
def test_a_change_written_through_one_instance_is_served_by_the_other_within_a_second(
    servers: dict[str, Server],
) -> None:
    path = f"/api/v1/articles/{UNTRANSLATED}?lang=en"
    # "b" has read the article (and knows its version).
    before = servers["b"].get(path)
    assert before.status == 200
    # A desk corrects it through "a" (PUT against the ETag it read), which commits it.
    wire = (DATA_DIR / "articles" / SLUG / "source.txt").read_text(encoding="utf-8")
    corrected = wire.replace("about 300 km southwest of Kidal", "some 300 km southwest of Kidal")
    headers = {
        "Authorization": f"Bearer {servers['a'].token}",
        "Content-Type": "text/plain; charset=utf-8",
        "If-Match": before.headers["etag"],
    }
    put = servers["a"].send("PUT", path.split("?")[0], headers, corrected.encode())
    assert put.status == 200, put.body[:300]
    written = servers["a"].get(path)
    done = time.monotonic()
    assert written.status == 200 and written.headers["etag"] != before.headers["etag"]
    assert b"some 300 km" in written.body
    while True:
        seen = servers["b"].get(path)
        if seen.headers["etag"] == written.headers["etag"]:
            break
        assert time.monotonic() - done < 1.0, "b kept serving the old version for 1 s"
        time.sleep(0.01)
    assert seen.body == written.body
    again = servers["b"].get(path, {"If-None-Match": written.headers["etag"]})
    assert again.status == 304
