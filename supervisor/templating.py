"""Template helpers: times in the family's own time zone, and the stages by name."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, g
from flask_login import current_user

from supervisor import clock
from supervisor.places import zone_label
from supervisor.stages.base import StageKey


def family_zone() -> ZoneInfo:
    """The time zone of the family using the app now (UTC for strangers)."""
    name = "UTC"
    if current_user.is_authenticated:
        name = current_user.family.timezone
    elif g.get("device") is not None:
        name = g.device.family.timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def when(moment: datetime | None, style: str = "datetime") -> str:
    """``21 Nov 2026, 14:05`` (or just the date, or just the time) in the family's zone."""
    if moment is None:
        return ""
    local = moment.astimezone(family_zone())
    formats = {"datetime": "%-d %b %Y, %H:%M", "date": "%-d %b %Y", "time": "%H:%M"}
    return local.strftime(formats[style])


def init_app(app: Flask) -> None:
    app.add_template_filter(when)
    app.add_template_filter(zone_label)
    app.context_processor(lambda: {"now": clock.now()})
    # Pages compare a track's stage with ``StageKey.PERMIT`` and name it by ``stage.label``.
    app.add_template_global(StageKey, "StageKey")
