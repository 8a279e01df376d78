"""The one place the app asks for the time, so tests can move it without sleeping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta, tzinfo


def _system_now() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _system_now


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return _source()


def set_source(source: Callable[[], datetime] | None) -> None:
    """Replace the time source (tests only); ``None`` restores the system clock."""
    global _source
    _source = source or _system_now


def next_midnight(zone: tzinfo, after: datetime) -> datetime:
    """When the date in ``zone`` next turns after ``after``, in UTC (where a zone skips its
    midnight, the moment it would have been: a time in a gap reads with the offset before)."""
    tomorrow = after.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(), tzinfo=zone).astimezone(UTC)
