"""Dates and times as the family reads them: in the family's own time zone, months by name.

Pages, the sentences reads build for them, and mail (``when_in``, which names the zone) use
these, so a date reads the same everywhere.
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


FORMATS = {"datetime": "%-d %b %Y, %H:%M", "date": "%-d %b %Y", "time": "%H:%M"}


def zone_of(name: str) -> ZoneInfo:
    """The zone called ``name`` (UTC for a name the tz database does not know)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def family_zone() -> ZoneInfo:
    """The time zone of the family using the app now (UTC for strangers)."""
    name = "UTC"
    if current_user.is_authenticated:
        name = current_user.family.timezone
    elif g.get("device") is not None:
        name = g.device.family.timezone
    return zone_of(name)


def when(moment: datetime | date | None, style: str = "datetime", zone: str | None = None) -> str:
    """``21 Nov 2026, 14:05`` (or just the date, or just the time) in the family's zone, or
    in ``zone`` where no one is signed in (a mail written by a job). A bare date is a day."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return moment.strftime(FORMATS["date"])
    local = moment.astimezone(zone_of(zone) if zone else family_zone())
    return local.strftime(FORMATS[style])


def zone_time(zone: str) -> str:
    """``New York time``, ``UTC``: the zone a time is told in, by its city."""
    if zone_of(zone).key in {"UTC", "Etc/UTC", "Etc/GMT"}:
        return "UTC"
    return zone.rsplit("/", 1)[-1].replace("_", " ") + " time"


def when_in(moment: datetime | None, zone: str, style: str = "datetime") -> str:
    """``5 Dec 2026, 08:57 (New York time)``: a time in a mail, which is read anywhere, in
    the family's ``zone`` and naming it."""
    if moment is None:
        return ""
    return f"{when(moment, style, zone)} ({zone_time(zone)})"


def duration(span: timedelta) -> str:
    """``5 minutes``, ``1 minute`` (at least), ``12 hours``: minutes below two hours, hours
    from there, as a lock's wait or a setting's window is told."""
    minutes = max(1, round(span.total_seconds() / 60))
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{round(minutes / 60)} hours"
