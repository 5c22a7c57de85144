"""A publisher's page on another origin embeds our boxes through embed.js, in real Chromium."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, ElementHandle, Frame, Page, expect
from werkzeug.wrappers import Request, Response

from tests.browser.conftest import WSGIApp
from tests.conftest import SLUG

pytestmark = pytest.mark.browser

HOME = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Le Quotidien de Gao</title></head>
<body style="margin:8px;font-family:serif">
<h1>Le Quotidien de Gao</h1>
<div id="facts-slot" style="width:600px">
  <div data-depeche-embed="facts" data-article="{slug}" data-lang="fr"></div>
</div>
<p>La suite de notre édition.</p>
<div id="card-slot" style="width:400px">
  <div data-depeche-embed="card" data-article="{slug}" data-lang="fr"></div>
</div>
<script src="{ours}/embed.js" async></script>
</body></html>"""

FRAMING = """<!doctype html>
<html><head><meta charset="utf-8"><title>Framing</title></head><body>
<iframe id="page" src="{ours}/fr/articles/{slug}" width="600" height="300"></iframe>
<iframe id="embed" src="{ours}/fr/embed/articles/{slug}" width="600" height="300"></iframe>
</body></html>"""

# Invalid boxes embed.js must leave alone, then one it must fill.
BOXES = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Boxes</title></head><body>
<div data-depeche-embed="poll" data-article="{slug}" data-lang="fr"></div>
<div data-depeche-embed="facts" data-article="../../admin" data-lang="fr"></div>
<div data-depeche-embed="facts" data-article="{slug}" data-lang="fr/../../x"></div>
<span data-depeche-embed="facts" data-article="{slug}" data-lang="fr"></span>
<div id="good" data-depeche-embed="card" data-article="{slug}" data-lang="en"
  data-title="La carte"></div>
<script src="{ours}/embed.js" async></script>
</body></html>"""

# Our embed page in a sandboxed frame of the publisher's, which records what it is told.
LISTENER = """<!doctype html>
<html><head><meta charset="utf-8"><title>Listener</title></head><body style="margin:0">
<script>
window.received = [];
addEventListener("message", e => {{
  if (e.source === document.getElementById("box").contentWindow) window.received.push(e.data);
}});
</script>
<iframe id="box" sandbox="allow-scripts" style="display:block;width:600px;height:300px;border:0"
  src="{ours}/fr/embed/articles/{slug}/facts{tail}"></iframe>
</body></html>"""

# A page that claims to be our embed: it posts the height in its query for the id in its hash.
POSTER = """<!doctype html><html><head><meta charset="utf-8"><title>Poster</title></head><body>
<script>
parent.postMessage({ type: "depeche:resize", id: new URLSearchParams(location.hash.slice(1))
  .get("id"), height: Number(new URLSearchParams(location.search).get("height")) }, "*");
</script></body></html>"""

# A forged resize, sent by the publisher's page itself and by a sandboxed frame of its own:
# both know the id of our facts frame, neither is that frame.
FORGE = """id => new Promise(resolve => {
  window.postMessage({ type: "depeche:resize", height: 5, id: id }, "*");
  const frame = document.createElement("iframe");
  frame.setAttribute("sandbox", "allow-scripts");
  frame.srcdoc = "<script>parent.postMessage({type: 'depeche:resize', height: 7, id: "
    + JSON.stringify(id) + "}, '*')<\\/script>";
  addEventListener("message", e => {
    if (e.source === frame.contentWindow) setTimeout(resolve, 200);
  });
  document.body.appendChild(frame);
})"""

DRAWN = "Math.ceil(document.documentElement.getBoundingClientRect().height)"
LIGHT = ("rgb(253, 252, 249)", "rgb(27, 27, 27)")
DARK = ("rgb(22, 22, 22)", "rgb(236, 236, 236)")


@pytest.fixture(scope="module")
def publisher(serve: Callable[[WSGIApp], str], ours: str) -> str:
    """The publisher's site: another loopback origin, pages that embed or frame ours."""
    pages = {
        "/": HOME.format(ours=ours, slug=SLUG),
        "/framing": FRAMING.format(ours=ours, slug=SLUG),
        "/boxes": BOXES.format(ours=ours, slug=SLUG),
        "/listener-hash": LISTENER.format(ours=ours, slug=SLUG, tail="#id=from-hash"),
        "/listener-query": LISTENER.format(ours=ours, slug=SLUG, tail="?id=from-query"),
        "/poster": POSTER,
    }

    @Request.application  # type: ignore[misc]
    def site(request: Request) -> Response:
        if request.path not in pages:
            return Response("Not here.", status=404)
        return Response(pages[request.path], mimetype="text/html")

    return serve(site)


@pytest.fixture
def console() -> list[str]:
    return []


@pytest.fixture
def page(browser: Browser, console: list[str], ours: str, publisher: str) -> Iterator[Page]:
    """A tab, tall enough for both embeds, that records console output and refuses the
    network beyond our two loopback origins."""
    context = browser.new_context(viewport={"width": 1280, "height": 2400})
    tab = context.new_page()
    tab.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    allowed = (ours, publisher, "about:", "data:")
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith(allowed) else r.abort()
    )
    yield tab
    context.close()


def fitted(page: Page, slot: str, timeout: float = 10.0) -> tuple[ElementHandle, Frame, int]:
    """Wait until the iframe in *slot* is exactly as tall as its page; no inner scrolling."""
    element = page.wait_for_selector(f"{slot} iframe")
    assert element is not None
    deadline = time.monotonic() + timeout
    while True:
        frame = element.content_frame()
        outer = element.evaluate("e => e.clientHeight")
        inner = (
            frame.evaluate(
                "[Math.ceil(document.documentElement.getBoundingClientRect().height),"
                " document.documentElement.scrollHeight]"
            )
            if frame is not None and "/embed/" in frame.url
            else [0, 0]
        )
        if inner[0] > 0 and abs(outer - inner[0]) <= 2 and abs(outer - inner[1]) <= 2:
            assert frame is not None
            return element, frame, outer
        if time.monotonic() > deadline:
            raise AssertionError(f"{slot}: iframe {outer}px, content {inner} (rect, scroll)")
        page.wait_for_timeout(50)


def assert_shown(element: ElementHandle, frame: Frame, text: str) -> None:
    """*text* is drawn, and inside the iframe's box rather than cut off below it."""
    found = frame.get_by_text(text, exact=True).first
    expect(found).to_be_visible()
    outer, inner = element.bounding_box(), found.bounding_box()
    assert outer is not None and inner is not None
    assert outer["y"] <= inner["y"] and inner["y"] + inner["height"] <= outer["y"] + outer["height"]


def test_french_boxes_fit_their_content_and_show_the_figures(
    page: Page, publisher: str, console: list[str], tmp_path: Path
) -> None:
    page.goto(f"{publisher}/")
    facts, facts_frame, _ = fitted(page, "#facts-slot")
    card, card_frame, _ = fitted(page, "#card-slot")
    for text in ("2 octobre 2023", "119", "plus de 1\u202f500\u202fkm", "Chronologie"):
        assert_shown(facts, facts_frame, text)
    assert_shown(card, card_frame, "2 octobre 2023")
    assert facts_frame.evaluate("window.origin") == "null"  # sandboxed: an opaque origin
    shot = tmp_path / "publisher.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert not [line for line in console if "Content Security Policy" in line]


def test_two_embeds_resize_independently(page: Page, publisher: str) -> None:
    page.goto(f"{publisher}/")
    facts, _, facts_height = fitted(page, "#facts-slot")
    _, _, card_height = fitted(page, "#card-slot")
    page.eval_on_selector("#card-slot", "slot => { slot.style.width = '280px'; }")
    page.wait_for_timeout(300)
    _, _, narrow_card = fitted(page, "#card-slot")
    assert narrow_card > card_height
    assert facts.evaluate("e => e.clientHeight") == facts_height

    facts_id = facts.evaluate("e => e.src.split('#id=')[1]")
    page.evaluate(FORGE, facts_id)
    assert facts.evaluate("e => e.clientHeight") == facts_height
    fitted(page, "#card-slot")


@pytest.mark.parametrize("width", [280, 800])
def test_boxes_lay_out_from_280_to_800_pixels(page: Page, publisher: str, width: int) -> None:
    page.goto(f"{publisher}/")
    for slot in ("#facts-slot", "#card-slot"):
        page.eval_on_selector(slot, f"slot => {{ slot.style.width = '{width}px'; }}")
        element, frame, _ = fitted(page, slot)
        assert element.evaluate("e => e.clientWidth") == width
        overflow = frame.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow == 0, f"{slot} overflows by {overflow}px at {width}px"


def test_embed_js_frames_each_box_from_its_own_origin_in_a_sandbox(
    page: Page, publisher: str, ours: str
) -> None:
    page.goto(f"{publisher}/")
    for slot, suffix in (("#facts-slot", "/facts"), ("#card-slot", "")):
        element, frame, _ = fitted(page, slot)
        sandbox = element.get_attribute("sandbox")
        assert sandbox is not None
        assert sorted(sandbox.split()) == [
            "allow-popups",
            "allow-popups-to-escape-sandbox",
            "allow-scripts",
        ]  # never allow-same-origin
        src = element.get_attribute("src")
        assert src is not None
        # From the origin embed.js came from, not the publisher's page.
        assert src.startswith(f"{ours}/fr/embed/articles/{SLUG}{suffix}#id=depeche-")
        assert frame.evaluate("window.origin") == "null"
    ids = page.eval_on_selector_all("iframe", "frames => frames.map(f => f.src.split('#id=')[1])")
    assert len(ids) == len(set(ids)) == 2


def test_embed_js_leaves_invalid_boxes_alone(page: Page, publisher: str, ours: str) -> None:
    page.goto(f"{publisher}/boxes")
    element, _, _ = fitted(page, "#good")
    assert element.get_attribute("title") == "La carte"
    frames = page.eval_on_selector_all("iframe", "frames => frames.map(f => f.src)")
    assert len(frames) == 1 and frames[0].startswith(f"{ours}/en/embed/articles/{SLUG}#id=")


def last_told(page: Page, element: ElementHandle, unlike: int = 0) -> tuple[Any, Any, int]:
    """Wait until the frame is drawn at a height other than *unlike* and its last messages
    say that height; return those two messages and the height."""
    deadline = time.monotonic() + 10
    while True:
        frame = element.content_frame()
        drawn = frame.evaluate(DRAWN) if frame is not None and "/embed/" in frame.url else 0
        received = page.evaluate("window.received")
        resize = [m for m in received if m.get("type") == "depeche:resize"] or [{}]
        amp = [m for m in received if m.get("type") == "embed-size"] or [{}]
        if drawn not in (0, unlike) and resize[-1].get("height") == amp[-1].get("height") == drawn:
            return resize[-1], amp[-1], drawn
        assert time.monotonic() < deadline, (unlike, drawn, received)
        page.wait_for_timeout(50)


@pytest.mark.parametrize(
    ("path", "expected_id"), [("/listener-hash", "from-hash"), ("/listener-query", "from-query")]
)
def test_embed_page_posts_its_height_for_embed_js_and_amp(
    page: Page, publisher: str, path: str, expected_id: str
) -> None:
    """Both messages carry the drawn height, the first with the id the page was given, and
    they are sent again when the frame's width changes the height."""
    page.goto(f"{publisher}{path}")
    element = page.wait_for_selector("#box")
    assert element is not None
    frame = element.content_frame()
    assert frame is not None
    frame.wait_for_load_state()
    resize, amp, wide = last_told(page, element)
    assert resize == {"type": "depeche:resize", "height": wide, "id": expected_id}
    assert amp == {"sentinel": "amp", "type": "embed-size", "height": wide}
    element.evaluate("e => { e.style.width = '280px'; }")
    resize, amp, narrow = last_told(page, element, unlike=wide)
    assert narrow > wide
    assert resize == {"type": "depeche:resize", "height": narrow, "id": expected_id}
    assert amp == {"sentinel": "amp", "type": "embed-size", "height": narrow}


def test_resize_needs_the_frames_window_and_an_opaque_or_our_origin(
    page: Page, publisher: str
) -> None:
    """The same page in the same frame window: refused from the publisher's origin, obeyed
    once sandboxed (origin "null"), so the origin check is what refuses it."""
    page.goto(f"{publisher}/")
    facts, _, height = fitted(page, "#facts-slot")
    facts_id = facts.evaluate("e => e.src.split('#id=')[1]")
    sandbox = facts.get_attribute("sandbox")
    # Heard after embed.js's own listener (added first), so by then it has acted on it.
    facts.evaluate(
        "e => { window.heard = []; addEventListener('message', m => {"
        " if (m.source === e.contentWindow) window.heard.push(m.data.height); }); }"
    )

    def post_from_frame(sandboxed: bool, asked: int) -> None:
        facts.evaluate(
            "(e, [sandbox, src]) => { if (sandbox) e.setAttribute('sandbox', sandbox);"
            " else e.removeAttribute('sandbox'); e.src = src; }",
            [sandbox if sandboxed else None, f"{publisher}/poster?height={asked}#id={facts_id}"],
        )
        page.wait_for_function("asked => window.heard.includes(asked)", arg=asked, timeout=10_000)

    post_from_frame(sandboxed=False, asked=5)
    assert facts.evaluate("e => e.clientHeight") == height
    post_from_frame(sandboxed=True, asked=7)
    assert facts.evaluate("e => e.clientHeight") == 7


@pytest.mark.parametrize(("scheme", "colours"), [("light", LIGHT), ("dark", DARK)])
def test_boxes_follow_the_readers_colour_scheme(
    browser: Browser, publisher: str, scheme: str, colours: tuple[str, str]
) -> None:
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.goto(f"{publisher}/")
        _, frame, _ = fitted(page, "#facts-slot")
        body = "getComputedStyle(document.body)"
        assert tuple(frame.evaluate(f"[{body}.backgroundColor, {body}.color]")) == colours
    finally:
        context.close()


def test_article_link_opens_the_article_outside_the_sandbox(
    page: Page, publisher: str, ours: str
) -> None:
    page.goto(f"{publisher}/")
    _, frame, _ = fitted(page, "#facts-slot")
    with page.expect_popup() as opened:
        frame.get_by_role("link", name="Lire l’article sur dépêche").click()
    article = opened.value
    article.wait_for_load_state()
    assert article.url == f"{ours}/fr/articles/{SLUG}"
    assert article.evaluate("window.origin") == ours  # allow-popups-to-escape-sandbox
    assert article.evaluate("window.opener === null")  # rel="noopener"
    expect(article.locator("h1")).to_contain_text("Un convoi de l’armée malienne")


def test_article_pages_refuse_to_be_framed(
    page: Page, publisher: str, ours: str, console: list[str]
) -> None:
    page.goto(f"{publisher}/framing")
    embed = page.frame_locator("#embed")
    expect(embed.locator(".headline")).to_contain_text("Un convoi de l’armée malienne")
    element = page.wait_for_selector("#page")
    assert element is not None
    deadline = time.monotonic() + 10
    while not any("frame-ancestors 'self'" in line for line in console):
        assert time.monotonic() < deadline, console
        page.wait_for_timeout(50)
    framed = element.content_frame()
    assert framed is not None
    assert not framed.url.startswith(ours)  # Chromium's error page, not ours
    assert "Un convoi" not in framed.content()


def test_docs_page_runs_under_its_policy(page: Page, ours: str, console: list[str]) -> None:
    page.goto(f"{ours}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("dépêche")
    page.locator(".opblock-summary").first.click()
    page.wait_for_timeout(200)
    assert not [line for line in console if "Content Security Policy" in line], console


@pytest.mark.parametrize(("kind", "suffix"), [("facts", "/facts"), ("card", "")])
def test_oembed_height_is_close_to_the_drawn_height(
    page: Page, ours: str, kind: str, suffix: str
) -> None:
    for width in (280, 400, 600, 800):
        url = quote(f"{ours}/fr/articles/{SLUG}{suffix}", safe="")
        stated = page.request.get(f"{ours}/oembed?url={url}&maxwidth={width}").json()["height"]
        page.set_viewport_size({"width": width, "height": 600})
        page.goto(f"{ours}/fr/embed/articles/{SLUG}{suffix}")
        drawn = page.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
        assert 0.95 <= stated / drawn <= 1.3, (kind, width, stated, drawn)
