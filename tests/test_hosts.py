"""The Host header: malformed or untrusted ones get a 400, never a 500; redirects never carry it."""

from __future__ import annotations

import http.client
import logging
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import config, create_app
from tests.conftest import SLUG
from tests.granian import granian
from tests.test_errors import assert_problem

PAGE = f"/fr/articles/{SLUG}"
HTML_ROUTES = ["/", "/fr/", "/fr", PAGE, f"{PAGE}/facts", f"/fr/embed/articles/{SLUG}"]
JSON_ROUTES = [
    "/api/v1/articles",
    f"/api/v1/articles/{SLUG}",
    "/healthz",
    "/readyz",
    f"/oembed?url=http://localhost{PAGE}",
    "/api/v1/openapi.json",
]
BAD_HOSTS = [
    "a" * 64 + ".example",  # a label IDNA cannot encode (over 63 characters)
    "a..b",  # an empty label
    "news..example:8080",
    "exa mple",
    "news_desk.example",
    "news.example:0",
    "news.example:99999",
    "news.example:",
    "[::1",
    "[::1]junk",
    "news.example:80:80",
]
#: The settings that say where the session app's content and models are.
CONTENT = ("DATA_DIR", "DATABASE_URL", "MODELS_DIR")
GOOD_HOSTS = ["news.example", "News.Example:8080", "127.0.0.1:8000", "[::1]:8000", "localhost"]


class Records(logging.Handler):
    """Keep the records a logger emits, to look at them in a test."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records() -> Iterator[Records]:
    handler = Records()
    loggers = [logging.getLogger(name) for name in ("app", "depeche", "werkzeug")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


Make = Callable[..., Flask]


@pytest.fixture(scope="module")
def make(app: Flask) -> Make:
    """Apps as deployed (errors handled, not raised into the test) on the session app's content,
    with other settings."""
    content = {name: app.config[name] for name in CONTENT if app.config.get(name)}

    def build(**settings: Any) -> Flask:
        return create_app({**content, "TESTING": False, **settings})

    return build


@pytest.fixture(scope="module")
def production(make: Make) -> Flask:
    return make(PUBLIC_URL="https://news.example")


@pytest.mark.parametrize("host", BAD_HOSTS)
@pytest.mark.parametrize("url", HTML_ROUTES)
def test_a_malformed_host_gets_a_400_page(
    production: Flask, records: Records, url: str, host: str
) -> None:
    response = production.test_client().get(url, headers={"Host": host})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "<h1>" in response.get_data(as_text=True)
    assert [r for r in records.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("host", BAD_HOSTS)
@pytest.mark.parametrize("url", JSON_ROUTES)
def test_a_malformed_host_gets_a_400_problem(
    production: Flask, records: Records, url: str, host: str
) -> None:
    body = assert_problem(production.test_client().get(url, headers={"Host": host}), 400)
    assert body["detail"] == "The Host header is not a host name or an address."
    assert [r for r in records.records if r.levelno >= logging.ERROR] == []


def test_the_400_page_is_in_the_readers_language(production: Flask) -> None:
    headers = {"Host": "a..b", "Accept-Language": "fr"}
    response = production.test_client().get("/", headers=headers)
    assert response.status_code == 400
    assert "<h1>Cette requête ne peut pas être servie</h1>" in response.get_data(as_text=True)
    assert response.headers["Content-Language"] == "fr"


@pytest.mark.parametrize("host", GOOD_HOSTS)
def test_well_formed_hosts_are_served(production: Flask, host: str) -> None:
    client = production.test_client()
    assert client.get(PAGE, headers={"Host": host}).status_code == 200
    assert client.get("/api/v1/articles", headers={"Host": host}).status_code == 200


@pytest.fixture(scope="module")
def trusting(make: Make) -> Flask:
    return make(TRUSTED_HOSTS="news.example .cdn.example")


@pytest.mark.parametrize(
    "host", ["news.example", "news.example:8443", "NEWS.Example", "cdn.example", "eu.cdn.example"]
)
def test_trusted_hosts_are_served_and_linked_to(trusting: Flask, host: str) -> None:
    client = trusting.test_client()
    page = client.get(PAGE, headers={"Host": host})
    assert page.status_code == 200
    canonical = f'<link rel="canonical" href="http://{host.lower()}{PAGE}"'
    assert canonical in page.get_data(as_text=True)
    assert client.get("/api/v1/articles", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "host", ["evil.example", "news.example.evil.example", "evilcdn.example", "127.0.0.1"]
)
def test_other_hosts_are_refused(trusting: Flask, host: str) -> None:
    client = trusting.test_client()
    page = client.get(PAGE, headers={"Host": host})
    assert page.status_code == 400
    assert host not in page.get_data(as_text=True)
    assert_problem(client.get("/api/v1/articles", headers={"Host": host}), 400)


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
@pytest.mark.parametrize("host", ["evil.example", "10.0.0.7:8000"])
def test_probes_answer_any_well_formed_host(trusting: Flask, url: str, host: str) -> None:
    response = trusting.test_client().get(url, headers={"Host": host})
    assert response.status_code in (200, 503)
    assert response.mimetype == "application/json"


def test_an_untrusted_host_is_a_400_problem_that_says_so(trusting: Flask) -> None:
    response = trusting.test_client().get("/api/v1/articles", headers={"Host": "evil.example"})
    assert assert_problem(response, 400)["detail"] == "This service does not answer for that host."


def test_trusted_hosts_come_from_the_environment_space_separated() -> None:
    found = config.from_environment({"DEPECHE_TRUSTED_HOSTS": " news.example  .cdn.example "})
    assert found == {"TRUSTED_HOSTS": ["news.example", ".cdn.example"]}


def test_an_international_trusted_host_matches_its_ascii_form(make: Make) -> None:
    client = make(TRUSTED_HOSTS="dépêche.example").test_client()
    assert client.get(PAGE, headers={"Host": "xn--dpche-bsai.example"}).status_code == 200


@pytest.mark.parametrize("value", ["news example", "a..b", "news.example:http", "[::1"])
def test_a_trusted_host_that_is_no_host_stops_start_up(make: Make, value: str) -> None:
    with pytest.raises(ValueError, match="TRUSTED_HOSTS"):
        make(TRUSTED_HOSTS=[value])


# Redirects


def location(client: FlaskClient, url: str, **headers: str) -> tuple[int, str, str]:
    response = client.get(url, headers=headers)
    return response.status_code, response.headers["Location"], response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "headers", "expected"),
    [
        ("/fr", {}, "/fr/"),
        ("/fr?lang=fr", {}, "/fr/?lang=fr"),
        ("/", {}, "/en/"),
        ("/", {"Accept-Language": "fr"}, "/fr/"),
    ],
)
def test_without_a_public_url_redirects_are_relative(
    make: Make, url: str, headers: dict[str, str], expected: str
) -> None:
    # nginx's `proxy_set_header Host $host` drops the port the reader used: a Location built
    # from that Host sent them to port 80.
    client = make(TRUSTED_HOSTS="127.0.0.1").test_client()
    status, found, body = location(client, url, Host="127.0.0.1", **headers)
    assert 300 <= status < 400
    assert found == expected
    assert "127.0.0.1" not in body


@pytest.mark.parametrize(
    ("base", "url", "expected"),
    [
        ("https://news.example", "/fr", "https://news.example/fr/"),
        ("https://news.example/", "/fr?lang=fr", "https://news.example/fr/?lang=fr"),
        ("https://news.example", "/", "https://news.example/en/"),
        ("https://example.org/news", "/fr", "https://example.org/news/fr/"),
        ("https://example.org/news", "/", "https://example.org/news/en/"),
    ],
)
def test_with_a_public_url_redirects_start_from_it(
    make: Make, base: str, url: str, expected: str
) -> None:
    status, found, body = location(make(PUBLIC_URL=base).test_client(), url, Host="10.0.0.7:8000")
    assert 300 <= status < 400
    assert found == expected
    assert f'href="{expected}"' in body
    assert "10.0.0.7" not in body


# Start-up


def test_production_start_up_warns_when_links_would_follow_any_host(
    make: Make, records: Records
) -> None:
    make()
    (warning,) = [r for r in records.records if r.name == "depeche.startup"]
    assert warning.levelno == logging.WARNING
    assert "DEPECHE_PUBLIC_URL" in warning.getMessage()
    assert "DEPECHE_TRUSTED_HOSTS" in warning.getMessage()


@pytest.mark.parametrize(
    "settings",
    [
        {"PUBLIC_URL": "https://news.example"},
        {"TRUSTED_HOSTS": "news.example"},
        {"TESTING": True},
    ],
)
def test_no_start_up_warning_when_a_base_is_set_or_in_tests(
    make: Make, records: Records, settings: dict[str, Any]
) -> None:
    make(**settings)
    assert [r for r in records.records if r.name == "depeche.startup"] == []


# Under the production server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Path]]:
    log = tmp_path_factory.mktemp("granian") / "granian.log"
    with granian(log) as base:
        yield "127.0.0.1", int(urlsplit(base).port or 0), log


def raw_get(server: tuple[str, int, Path], path: str, host: str) -> http.client.HTTPResponse:
    with closing(http.client.HTTPConnection(server[0], server[1], timeout=10)) as connection:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        response.read()
    return response


@pytest.mark.parametrize("path", ["/fr/", PAGE, "/api/v1/articles"])
@pytest.mark.parametrize("host", ["a" * 64 + ".example", "a..b"])
def test_granian_answers_a_malformed_host_with_400_and_logs_no_traceback(
    server: tuple[str, int, Path], path: str, host: str
) -> None:
    assert raw_get(server, path, host).status == 400
    assert "Traceback" not in server[2].read_text()


def test_granian_slash_redirect_keeps_to_the_readers_port(server: tuple[str, int, Path]) -> None:
    response = raw_get(server, "/fr", "127.0.0.1")  # the port dropped, as nginx's $host does
    assert response.status == 308
    assert response.headers["Location"] == "/fr/"
