"""Check-in schedule maths: when check-ins fall, which are coming and which are overdue.

Pure functions over plain values. Times are chosen in the family's own time zone (so a
18:00 check-in stays at 18:00 across daylight-saving changes) and returned in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

STEP_DAYS = {"weekly": 7, "fortnightly": 14}
FREQUENCIES = {
    "weekly": "Every week",
    "fortnightly": "Every two weeks",
    "monthly": "Once a month",
    "days": "Every few days",
}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
GRACE = timedelta(days=1)  # a check-in counts as overdue a day after it was due
# A plan names dates from a year back to a year ahead: further out is a typo, not a plan.
WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class Rhythm:
    """One schedule version: how often, on which weekday, at what local time, from when."""

    frequency: str
    every_days: int
    weekday: int
    at_time: str
    effective_from: date

    def describe(self) -> str:
        if self.frequency == "monthly":
            return f"The first {WEEKDAYS[self.weekday]} of each month at {self.at_time}"
        if self.frequency == "days":
            return f"Every {self.every_days} days at {self.at_time}"
        return f"{FREQUENCIES[self.frequency]}, {WEEKDAYS[self.weekday]}s at {self.at_time}"


def suggested_frequency(age: int) -> str:
    """Younger children need closer guidance: weekly under 13, fortnightly to 15, then monthly."""
    if age < 13:
        return "weekly"
    return "fortnightly" if age < 16 else "monthly"


def why_suggested(age: int) -> str:
    """Why ``suggested_frequency`` says what it does, true for this child's age band."""
    if age < 13:
        return "Children under 13 need the closest guidance"
    if age < 16:
        return "At 13 to 15, children need less close guidance than under 13 but more than from 16"
    return "From 16, children need less guidance than younger ones"


def window(today: date) -> tuple[date, date]:
    """The first and last date a plan may name, seen from ``today`` in the family's zone."""
    return today - WINDOW, today + WINDOW


def _on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _first_weekday_of_month(year: int, month: int, weekday: int) -> date:
    return _on_or_after(date(year, month, 1), weekday)


def _local_dates(rhythm: Rhythm, start: date, end: date) -> Iterable[date]:
    """Dates of ``rhythm`` from its start (no earlier than ``start``) up to ``end``.

    A rhythm starting after ``end`` has none; stopping there also keeps the steps below from
    running off the calendar's end for a start near 9999-12-31.
    """
    if rhythm.effective_from > end:
        return
    if rhythm.frequency == "monthly":
        year, month = rhythm.effective_from.year, rhythm.effective_from.month
        while True:
            day = _first_weekday_of_month(year, month, rhythm.weekday)
            if day > end:
                return
            if day >= max(start, rhythm.effective_from):
                yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    step = timedelta(days=STEP_DAYS.get(rhythm.frequency, rhythm.every_days))
    day = (
        rhythm.effective_from
        if rhythm.frequency == "days"
        else _on_or_after(rhythm.effective_from, rhythm.weekday)
    )
    if day < start:  # jump close to ``start`` instead of walking from long ago
        day += step * ((start - day) // step)
    while day <= end:
        if day >= start:
            yield day
        day += step


def occurrences(
    versions: Sequence[Rhythm], zone: ZoneInfo, start: date, end: date
) -> list[tuple[date, datetime]]:
    """Every check-in (local date, UTC moment) between ``start`` and ``end``.

    Each version rules from its ``effective_from`` until the next version's.
    """
    ordered = sorted(versions, key=lambda v: v.effective_from)
    found = []
    for i, rhythm in enumerate(ordered):
        until = end
        if i + 1 < len(ordered):
            until = min(end, ordered[i + 1].effective_from - timedelta(days=1))
        hour, minute = map(int, rhythm.at_time.split(":"))
        for day in _local_dates(rhythm, max(start, rhythm.effective_from), until):
            local = datetime.combine(day, time(hour, minute), tzinfo=zone)
            found.append((day, local.astimezone(UTC)))
    return found


def upcoming(
    versions: Sequence[Rhythm], zone: ZoneInfo, now: datetime, count: int = 3
) -> list[tuple[date, datetime]]:
    today = now.astimezone(zone).date()
    future = occurrences(versions, zone, today, today + timedelta(days=400))
    return [item for item in future if item[1] >= now][:count]


def since(
    versions: Sequence[Rhythm], zone: ZoneInfo, start: datetime, now: datetime
) -> list[tuple[date, datetime]]:
    """The check-ins from the moment ``start`` a schedule came into force up to today: a
    time of day already past when both agreed is not one of them."""
    first, today = start.astimezone(zone).date(), now.astimezone(zone).date()
    return [item for item in occurrences(versions, zone, first, today) if item[1] >= start]


def overdue(
    versions: Sequence[Rhythm], zone: ZoneInfo, start: datetime, now: datetime, covered: set[date]
) -> list[date]:
    """Check-ins since ``start`` that passed over a day ago without a record."""
    return [
        day
        for day, moment in since(versions, zone, start, now)
        if moment + GRACE < now and day not in covered
    ]
