"""The service's clock and the newsroom's time zone, one of each per app.

Embargoes lift when the clock passes their time, so the clock is one injectable callable:
``app.extensions["depeche.clock"]``, the system's UTC clock unless the test config gives a
``CLOCK`` of its own (a test moves it forward instead of sleeping).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, current_app

Clock = Callable[[], datetime]
"""Returns the time now, timezone-aware."""


def system_clock() -> datetime:
    return datetime.now(UTC)


def zone(name: str) -> ZoneInfo:
    """The IANA time zone *name*; a ValueError naming the setting when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"DEPECHE_TIMEZONE: no time zone {name!r}") from error


def init_app(app: Flask) -> None:
    app.extensions["depeche.clock"] = app.config.get("CLOCK") or system_clock
    app.extensions["depeche.timezone"] = zone(str(app.config["TIMEZONE"]))


def now() -> datetime:
    """The app's time now."""
    clock: Clock = current_app.extensions["depeche.clock"]
    return clock()


def newsroom_zone() -> ZoneInfo:
    found: ZoneInfo = current_app.extensions["depeche.timezone"]
    return found
