"""Check-in schedule maths: when check-ins fall, which are coming and which are overdue.

Pure functions over plain values. Times are chosen in the family's own time zone (so a
18:00 check-in stays at 18:00 across daylight-saving changes) and returned in UTC. The words
are message ids (``N_``), a rhythm described as ``Words``: pages translate them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from supervisor import clock
from supervisor.stages.base import N_, Nn_, Words

STEP_DAYS = {"weekly": 7, "fortnightly": 14}
FREQUENCIES = {
    "weekly": N_("Every week"),
    "fortnightly": N_("Every two weeks"),
    "monthly": N_("Once a month"),
    "days": N_("Every few days"),
}
# How a suggestion names a frequency: "we suggest weekly check-ins".
SUGGESTIONS = {"weekly": N_("weekly"), "fortnightly": N_("fortnightly"), "monthly": N_("monthly")}
WEEKDAYS = [
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
]
# A weekday as a rhythm repeats it: "Mondays at 18:00".
EVERY_WEEKDAY = [
    N_("Mondays"),
    N_("Tuesdays"),
    N_("Wednesdays"),
    N_("Thursdays"),
    N_("Fridays"),
    N_("Saturdays"),
    N_("Sundays"),
]
GRACE = timedelta(days=1)  # a check-in counts as overdue a day after it was due
# A plan names dates from a year back to a year ahead: further out is a typo, not a plan.
WINDOW = timedelta(days=365)
TICK = timedelta(microseconds=1)  # the least step of time: "after a moment" begins here


@dataclass(frozen=True)
class Rhythm:
    """One schedule version: how often, on which weekday, at what local time, from when."""

    frequency: str
    every_days: int
    weekday: int
    at_time: str
    effective_from: date

    def describe(self) -> Words:
        """``Every week, Mondays at 18:00`` (``str()`` of it; pages say it in their language)."""
        if self.frequency == "monthly":
            return Words.of(
                N_("The first %(weekday)s of each month at %(time)s"),
                weekday=Words.of(WEEKDAYS[self.weekday]),
                time=self.at_time,
            )
        if self.frequency == "days":
            return Nn_(
                "Every %(num)d day at %(time)s",
                "Every %(num)d days at %(time)s",
                self.every_days,
                time=self.at_time,
            )
        return Words.of(
            N_("%(frequency)s, %(weekdays)s at %(time)s"),
            frequency=Words.of(FREQUENCIES[self.frequency]),
            weekdays=Words.of(EVERY_WEEKDAY[self.weekday]),
            time=self.at_time,
        )


def suggested_frequency(age: int) -> str:
    """Younger children need closer guidance: weekly under 13, fortnightly to 15, then monthly."""
    if age < 13:
        return "weekly"
    return "fortnightly" if age < 16 else "monthly"


def why_suggested(age: int) -> str:
    """Why ``suggested_frequency`` says what it does, true for this child's age band (a
    message id)."""
    if age < 13:
        return N_("Children under 13 need the closest guidance")
    if age < 16:
        return N_(
            "At 13 to 15, children need less close guidance than under 13 but more than from 16"
        )
    return N_("From 16, children need less guidance than younger ones")


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


def turns(
    zone: ZoneInfo,
    now: datetime,
    coming: Sequence[tuple[date, datetime]],
    unrecorded: Iterable[tuple[date, datetime]],
) -> datetime:
    """The first moment after ``now`` at which the functions above may answer differently by
    time alone, given the check-ins ``coming`` (from ``upcoming``) and those since the start
    with no record: a tick after the next one's moment (no longer coming, now due), a tick
    after a day's grace on one not recorded (now overdue), and the family's midnight (a new
    day's check-ins are counted)."""
    moments = [clock.next_midnight(zone, now)]
    moments += [moment + TICK for _, moment in coming[:1]]
    moments += [moment + GRACE + TICK for _, moment in unrecorded if moment + GRACE >= now]
    return min(moments)
