"""A kill through one replica behind the real nginx config (deploy/nginx/depeche.conf): the
other replica answers 410 within a second, and nginx — which had the story cached — within
its s-maxage plus its whole-second clock, revalidating rather than serving it for max-age."""

from __future__ import annotations

import http.client
import os
import time
from collections.abc import Iterator

import pytest

from bench.kill import edge_conf, store
from tests.granian import free_port
from tests.test_scaleout import NGINX, Server, granian_command, start, stop

SHARED_MAX_AGE = 1
CHANGE_CHECK = 0.25
#: nginx counts freshness in whole seconds: an entry stored at 10.0 s is fresh until 12.0 s.
NGINX_WORST = SHARED_MAX_AGE + 1 + CHANGE_CHECK


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Server], str]]:
    """Replicas "a" and "b" on one store, nginx in front; and a publish token."""
    if NGINX is None:
        pytest.fail("nginx is missing: apt-get install nginx (make test installs it)")
    folder = tmp_path_factory.mktemp("kill-edge")
    url, slugs, token = store(folder, 2)
    models = folder / "no-models"
    models.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRANIAN_", "PROMETHEUS_"))}
    env.update(
        DEPECHE_DATABASE_URL=url,
        DEPECHE_MODELS_DIR=str(models),
        DEPECHE_PUBLIC_URL="https://news.example",
        DEPECHE_CACHE_SHARED_MAX_AGE=str(SHARED_MAX_AGE),
        DEPECHE_CHANGE_CHECK_INTERVAL=str(CHANGE_CHECK),
        PYTHONDONTWRITEBYTECODE="1",
    )
    started: dict[str, Server] = {}
    try:
        for name in ("a", "b"):
            started[name] = start(name, granian_command(), folder, env, free_port())
        port = free_port()
        conf = edge_conf(folder, port, [started["a"].port, started["b"].port])
        command = [NGINX, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")]
        started["nginx"] = start("nginx", command, folder, env, port)
        yield started, token
    finally:
        for server in reversed(started.values()):
            stop(server)


def kill(server: Server, slug: str, token: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(
            "DELETE", f"/api/v1/articles/{slug}", headers={"Authorization": f"Bearer {token}"}
        )
        return connection.getresponse().status
    finally:
        connection.close()


def gone_within(server: Server, paths: list[str], since: float, limit: float) -> float:
    while True:
        if all(server.get(path).status == 410 for path in paths):
            return time.monotonic() - since
        assert time.monotonic() - since < limit, f"{server.name} still serves it after {limit} s"
        time.sleep(0.02)


def test_a_kill_reaches_the_other_replica_and_nginx(edge: tuple[dict[str, Server], str]) -> None:
    servers, token = edge
    slug = "kill-000"
    paths = [
        f"/api/v1/articles/{slug}?lang=fr",
        f"/fr/articles/{slug}",
        f"/en/embed/articles/{slug}",
    ]
    for path in paths:
        seen = [servers["nginx"].get(path).headers.get("x-cache-status") for _ in range(3)]
        assert "HIT" in seen, (path, seen)  # nginx keeps it: the kill must get past its cache
        answer = servers["b"].get(path)
        assert answer.status == 200
        assert "s-maxage=1" in answer.headers["cache-control"]
    assert kill(servers["a"], slug, token) == 200
    killed = time.monotonic()
    assert gone_within(servers["b"], paths, killed, 1.0) <= 1.0
    assert gone_within(servers["nginx"], paths, killed, NGINX_WORST) <= NGINX_WORST
    listed = servers["nginx"].get("/api/v1/articles?lang=fr").body.decode()
    assert "kill-001" in listed and slug not in listed
