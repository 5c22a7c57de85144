"""Growth tests: functions on a request path take linear time on adversarial input.

Each test times an input and one twice as long, alternating, and keeps the best of a few
runs of each; the ratio must stay under 2.5, where a quadratic function gives about 4. Time
is the thread's CPU time, which other processes on the machine do not inflate (they still
evict caches, so a run is only ever slower: hence the best). Inputs grow until a run
takes a few milliseconds, so that fixed costs do not hide the growth. A ratio over the bound
is measured again, up to three times: a burst of load on these shared machines can spoil
one measurement, while a quadratic function fails every one.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.content.segment import split_sentences
from app.i18n.locales import lookup, negotiate, parse_accept_language

MAX_RATIO = 2.5
_REPEATS = 5
_MIN_SECONDS = 0.005
_ATTEMPTS = 3
_MAX_LENGTH = 1 << 20  # characters: a fast function is timed at this length


def _best(run: Callable[[str], object], *texts: str) -> list[float]:
    """The fastest of a few runs of *run* on each text, in seconds, runs interleaved."""
    best = [float("inf")] * len(texts)
    gc.collect()
    gc.disable()  # a collection would land in one run and not the other
    try:
        for _ in range(_REPEATS):
            for index, text in enumerate(texts):
                start = time.thread_time()
                run(text)
                best[index] = min(best[index], time.thread_time() - start)
    finally:
        gc.enable()
    return best


def _once(run: Callable[[str], object], text: str) -> float:
    start = time.thread_time()
    run(text)
    return time.thread_time() - start


def ratio(run: Callable[[str], object], small: str, large: str) -> float:
    """How much longer *run* takes on *large* than on *small* (best of three measurements)."""
    found = float("inf")
    for _ in range(_ATTEMPTS):
        short, long = _best(run, small, large)
        found = min(found, long / short)
        if found <= MAX_RATIO:
            break
    return found


def growth(run: Callable[[str], object], unit: str, prefix: str = "") -> float:
    """How much longer *run* takes on ``prefix + unit * 2n`` than on ``prefix + unit * n``."""
    count = max(1, 2000 // len(unit))
    while len(unit) * count < _MAX_LENGTH and _once(run, prefix + unit * count) < _MIN_SECONDS:
        count *= 2
    return ratio(run, prefix + unit * count, prefix + unit * 2 * count)


def _segment_en(text: str) -> object:
    return split_sentences(text, "en")


def _segment_fr(text: str) -> object:
    return split_sentences(text, "fr")


#: The review's inputs, and the other shapes each path of the segmenter has to survive.
SEGMENTER_UNITS = [
    ".",
    "!",
    "?",
    "…",
    "!?.",
    "x. Y ",
    "Mr. ",
    "No. ",
    "B. ",
    "a ",
    ". ",
    ")",
    '. "',
    ". « ",
    " ",
    "aaaaaaaa",
    "J.",
    "\u202f?",
]


@pytest.mark.parametrize("unit", SEGMENTER_UNITS)
def test_segmenter_is_linear_on_repeated_units(unit: str) -> None:
    assert growth(_segment_en, unit) <= MAX_RATIO


@pytest.mark.parametrize(("prefix", "unit"), [("Il a dit. ", "."), ("x.", ")"), ("End.", " «")])
def test_segmenter_is_linear_after_a_prefix(prefix: str, unit: str) -> None:
    assert growth(_segment_fr, unit, prefix) <= MAX_RATIO


_SEGMENTER_ALPHABET = ".!?… \u202f\u00a0\"'“”‘’«»()[]xYMrBJh8e"


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.text(_SEGMENTER_ALPHABET, min_size=1, max_size=8))
def test_segmenter_is_linear_on_generated_units(unit: str) -> None:
    assert growth(_segment_en, unit) <= MAX_RATIO


def test_language_lookup_is_linear_in_subtags() -> None:
    assert growth(lookup, "-a", "fr") <= MAX_RATIO


@pytest.mark.parametrize("unit", ["-a", "-a1b2c3d4", "a", ",", ";", ";q=0.5", "fr,", " "])
def test_accept_language_is_linear(unit: str) -> None:
    assert growth(parse_accept_language, unit, "fr") <= MAX_RATIO


@pytest.mark.parametrize("unit", ["-a", "-abcdefgh", "a"])
def test_query_tag_is_linear(unit: str) -> None:
    assert growth(lambda tag: negotiate(None, tag, None), unit, "fr") <= MAX_RATIO


_HEADER_TOKENS = ["-", "a", "1", "-CA", "fr", ",", ";", "q=0.5", "q=0", " ", "*", "="]


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(_HEADER_TOKENS), min_size=1, max_size=6).map("".join))
def test_negotiation_is_linear_on_generated_headers(unit: str) -> None:
    assert growth(lambda header: negotiate(None, None, header), unit, "fr") <= MAX_RATIO


def test_a_60_kb_accept_language_costs_no_more_than_twice_a_30_kb_one(
    client: FlaskClient,
) -> None:
    def get(header: str) -> object:
        return client.get("/healthz", headers={"Accept-Language": header})

    half, full = "fr" + "-a" * 15_000, "fr" + "-a" * 30_000
    assert len(full) == 60_002
    assert ratio(get, half, full) <= MAX_RATIO


_SUBTAGS = st.lists(st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True), min_size=1, max_size=3)


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_SUBTAGS.map(lambda subtags: "".join(f"-{s}" for s in subtags)))
def test_negotiation_is_linear_on_generated_long_tags(unit: str) -> None:
    assert growth(lambda header: negotiate(None, None, header), unit, "fr") <= MAX_RATIO
    assert growth(lambda query: negotiate(None, query, None), unit, "fr") <= MAX_RATIO
