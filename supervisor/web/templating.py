"""Template helpers: times in the family's own time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, g
from flask_login import current_user

from supervisor import clock
from supervisor.content.places import zone_label


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
