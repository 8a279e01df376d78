"""Template helpers: times in the family's own time zone, and spans of time in words."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, g
from flask_login import current_user

from supervisor import clock
from supervisor.places import zone_label


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


def duration(span: timedelta) -> str:
    """``5 minutes``, ``1 minute`` (at least), ``12 hours``: minutes below two hours, hours
    from there, as a lock's wait or a setting's window is told."""
    minutes = max(1, round(span.total_seconds() / 60))
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{round(minutes / 60)} hours"


def init_app(app: Flask) -> None:
    app.add_template_filter(when)
    app.add_template_filter(duration)
    app.add_template_filter(zone_label)
    app.context_processor(lambda: {"now": clock.now()})
