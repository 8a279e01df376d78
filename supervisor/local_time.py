"""Dates and times as the family reads them: in the family's own time zone, months by name.

Pages, the sentences reads build for them, and mail (``when_in``, which names the zone) use
these, so a date reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import (
    format_date,
    format_datetime,
    format_skeleton,
    get_datetime_format,
    get_month_names,
)
from babel.lists import format_list
from babel.units import format_unit
from flask import g, has_app_context
from flask_babel import get_locale
from flask_login import current_user


def month_names() -> list[str]:
    """``January`` to ``December`` in the page's language, as a month stands on its own."""
    names = get_month_names("wide", context="stand-alone", locale=page_locale())
    return [names[month] for month in range(1, 13)]


def month_year(year: int, month: int) -> str:
    """``August 2032``: how a birth month or a month of eligibility reads."""
    return format_date(date(year, month, 1), "LLLL y", locale=page_locale())


def month_name(day: date) -> str:
    return month_year(day.year, day.month)


# Each style's English pattern (CLDR syntax), written out so that English reads as it always
# has; any other language gets the same fields in its own order and words (a CLDR skeleton).
# ``datetime`` joins ``date`` and ``time`` the way the language joins them.
ENGLISH = {
    "datetime": "d MMM y, HH:mm",  # 2 Mar 2026, 09:00
    "date": "d MMM y",  # 2 Mar 2026
    "time": "HH:mm",  # 09:00
    "long-date": "d MMMM y",  # 2 March 2026
    "day-month": "d MMMM",  # 2 March
    "short-day-month": "d MMM",  # 2 Mar
    "weekday": "EEEE",  # Monday
    "weekday-day-month": "EEEE d MMMM",  # Monday 9 March (a check-in's day)
}
SKELETONS = {
    "date": "yMMMd",
    "time": "Hm",
    "long-date": "yMMMMd",
    "day-month": "MMMMd",
    "short-day-month": "MMMd",
    "weekday-day-month": "MMMMEEEEd",
}  # a weekday's whole name ("EEEE") is a pattern in every language
# The styles a bare date can take; any other style shows a bare date as ``date``.
DAY_STYLES = frozenset(ENGLISH) - {"datetime", "time"}


def zone_of(name: str) -> ZoneInfo:
    """The zone called ``name`` (UTC for a name the tz database does not know)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def family_zone() -> ZoneInfo:
    """The time zone of the family using the app now (UTC for strangers)."""
    name = "UTC"
    user = current_user._get_current_object()  # one lookup: a page asks for every time it shows
    if user.is_authenticated:
        name = user.family.timezone
    else:
        device = g.get("device")
        if device is not None:
            name = device.family.timezone
    return zone_of(name)


def page_locale() -> Locale:
    """The language of the page being answered, or of the mail being written (a job's mail
    too: its recipient's, as ``force_locale`` sets it); English outside the app."""
    locale = get_locale() if has_app_context() else None
    return locale or Locale("en")


def _format(moment: datetime | date, style: str, locale: Locale) -> str:
    """``moment`` (already in its zone, or a bare day) in ``style``, in ``locale``'s words."""
    if locale.language != "en" and style == "datetime":
        return (
            str(get_datetime_format("medium", locale=locale))
            .replace("'", "")
            .replace("{1}", _format(moment, "date", locale))
            .replace("{0}", _format(moment, "time", locale))
        )
    if locale.language != "en" and style in SKELETONS:
        return format_skeleton(SKELETONS[style], moment, locale=locale)
    return format_datetime(moment, ENGLISH[style], locale=locale)


def when(moment: datetime | date | None, style: str = "datetime", zone: str | None = None) -> str:
    """``21 Nov 2026, 14:05`` (or another style of ``ENGLISH``: the date, the time, the day
    and month...) in the page's language and the family's zone, or in ``zone`` where no one
    is signed in (a mail written by a job). A bare date is a day, in no zone."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        day = datetime(moment.year, moment.month, moment.day)
        return _format(day, style if style in DAY_STYLES else "date", page_locale())
    local = moment.astimezone(zone_of(zone) if zone else family_zone())
    return _format(local, style, page_locale())


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
        return format_unit(minutes, "duration-minute", length="long", locale=page_locale())
    return format_unit(round(minutes / 60), "duration-hour", length="long", locale=page_locale())


def listed(items: Iterable[str]) -> str:
    """``Ada and Grace``, ``Ada, Grace and Sam``: a list as the page's language joins it."""
    return format_list(list(items), locale=page_locale())
