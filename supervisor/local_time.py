"""Dates and times as the family reads them: in the family's own time zone, months by name.

Pages and the sentences reads build for them both use these, so a date reads the same
everywhere.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import g
from flask_login import current_user

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def month_year(year: int, month: int) -> str:
    """``August 2032``: how a birth month or a month of eligibility reads."""
    return f"{MONTHS[month - 1]} {year}"


def month_name(day: date) -> str:
    return month_year(day.year, day.month)


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
