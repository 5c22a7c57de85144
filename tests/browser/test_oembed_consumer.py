"""A maintained oEmbed consumer (micawber, from PyPI) talks to our /oembed over real HTTP."""

from __future__ import annotations

import re
from urllib.error import HTTPError

import pytest
from micawber import Provider, ProviderRegistry, parse_text
from micawber.exceptions import ProviderHTTPException

from tests.conftest import SLUG


@pytest.fixture
def registry(ours: str, monkeypatch: pytest.MonkeyPatch) -> ProviderRegistry:
    """micawber knowing us as the provider of our article URLs, as a site would set it up."""
    for name in ("http_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")  # loopback, never through a proxy
    providers = ProviderRegistry()
    pattern = re.escape(ours) + r"/(?:en|fr)/articles/\S+"
    providers.register(pattern, Provider(f"{ours}/oembed", user_agent="depeche-tests"))
    return providers


def test_micawber_gets_a_rich_embed_within_its_size(registry: ProviderRegistry, ours: str) -> None:
    data = registry.request(f"{ours}/fr/articles/{SLUG}/facts", maxwidth=400)
    assert data["version"] == "1.0" and data["type"] == "rich"
    assert data["width"] == 400
    assert 0 < data["height"] <= 400 * 16 // 9  # micawber asks for a 16:9 maxheight
    assert data["title"].startswith("Un convoi de l’armée malienne")
    assert data["provider_url"] == f"{ours}/"
    assert data["html"].startswith(f'<iframe src="{ours}/fr/embed/articles/{SLUG}/facts"')


def test_micawber_replaces_a_pasted_url_with_the_box(registry: ProviderRegistry, ours: str) -> None:
    facts, article = f"{ours}/fr/articles/{SLUG}/facts", f"{ours}/en/articles/{SLUG}"
    text = f"Les chiffres clés :\n{facts}\nRead it in English: {article}"
    lines = parse_text(text, registry, maxwidth=600).splitlines()
    assert lines[0] == "Les chiffres clés :"
    assert lines[1].startswith(f'<iframe src="{ours}/fr/embed/articles/{SLUG}/facts"')
    assert 'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"' in lines[1]
    assert f'<a href="{article}" title="Malian army convoy heads for Kidal' in lines[2]


@pytest.mark.parametrize(
    "url",
    [
        f"https://elsewhere.example/fr/articles/{SLUG}",
        "http://169.254.169.254/latest/meta-data/",
        f"{{ours}}/fr/articles/{SLUG}/nope",
    ],
)
def test_urls_that_are_not_ours_are_404_and_never_fetched(ours: str, url: str) -> None:
    """Were the service to fetch them, pytest-socket would refuse and the answer be a 500."""
    with pytest.raises(ProviderHTTPException) as raised:
        Provider(f"{ours}/oembed").request(url.format(ours=ours))
    assert raised.value.status == 404
    # micawber keeps urllib's HTTPError, and its open connection, as the cause: close it.
    cause = raised.value.__cause__
    assert isinstance(cause, HTTPError)
    cause.close()
