"""Growth tests: twice the input must take at most ~2.5 times as long (linear, not quadratic)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

#: What twice the input may cost: 2 for linear work, with room for the machine's noise.
LIMIT = 2.5


def seconds(function: Callable[[], object]) -> float:
    """CPU seconds of this thread (other processes sharing the machine do not count), with the
    cyclic garbage collector paused, as timeit does: its passes come at arbitrary moments."""
    gc.collect()
    gc.disable()
    try:
        start = time.thread_time()
        function()
        return time.thread_time() - start
    finally:
        gc.enable()


def growth(small: Callable[[], object], large: Callable[[], object], rounds: int = 5) -> float:
    """How much longer *large* takes than *small*: best times, measured in turns (same load)."""
    best_small = best_large = float("inf")
    for _ in range(rounds):
        best_small = min(best_small, seconds(small))
        best_large = min(best_large, seconds(large))
    return best_large / best_small


def ratios(run: Callable[[int], Callable[[], object]]) -> list[float]:
    """Ratios of time for twice the size, from a size that takes at least 20 ms.

    Other work shares the machine: a quadratic reader is 4x every time, a linear one 2x with
    now and then a slow turn, so up to three measurements are made and the best one counts.
    """
    size = 1_000
    while seconds(run(size)) < 0.02 and size < 1_000_000:
        size *= 2  # long enough that the machine's noise is small beside it
    found: list[float] = []
    for _ in range(3):
        found.append(growth(run(size), run(2 * size)))
        if found[-1] <= LIMIT:
            break
    return found
