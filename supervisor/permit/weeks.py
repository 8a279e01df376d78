"""Check-ins week by week: for each week of a track's agreed schedules, how many were held,
how many recorded as skipped, and how many passed without a record.

Every plan both sides agreed counts from the day it was agreed until it ended (a newer plan,
a step back or the licence), so the weeks stay true after the permit is over. A check-in
whose day has not come, or whose hour passed less than a day ago with no record yet, is in
no count: it may still be held and recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import ngettext

from supervisor import clock
from supervisor.models import CheckInSchedule, Track
from supervisor.permit.reads import CheckInRecord, agreed_versions, rhythm
from supervisor.stages import schedule


@dataclass(frozen=True)
class Week:
    """One week, Monday to Sunday in the family's time zone."""

    monday: date
    held: int = 0
    skipped: int = 0  # recorded as not held
    unrecorded: int = 0  # passed over a day ago with no record

    @property
    def due(self) -> int:
        return self.held + self.skipped + self.unrecorded


@dataclass(frozen=True)
class CheckInWeeks:
    """A track's check-ins, one ``Week`` for every week from the first due to the last."""

    weeks: list[Week]
    agreed: bool = True  # some schedule was agreed: without one, nothing was ever due

    @property
    def held(self) -> int:
        return sum(w.held for w in self.weeks)

    @property
    def skipped(self) -> int:
        return sum(w.skipped for w in self.weeks)

    @property
    def unrecorded(self) -> int:
        return sum(w.unrecorded for w in self.weeks)

    @property
    def tallest(self) -> int:
        """The most check-ins due in one week: the chart's scale (at least one)."""
        return max([1, *(w.due for w in self.weeks)])

    def summary(self) -> str:
        """``8 weeks: 6 check-ins held, 2 skipped``, as the guardians read it."""
        weeks = ngettext("%(num)d week", "%(num)d weeks", len(self.weeks))
        if self.unrecorded:
            return ngettext(
                "%(weeks)s: %(num)d check-in held, %(skipped)d skipped, %(unrecorded)d with no "
                "record",
                "%(weeks)s: %(num)d check-ins held, %(skipped)d skipped, %(unrecorded)d with no "
                "record",
                self.held, weeks=weeks, skipped=self.skipped, unrecorded=self.unrecorded,
            )  # fmt: skip
        return ngettext(
            "%(weeks)s: %(num)d check-in held, %(skipped)d skipped",
            "%(weeks)s: %(num)d check-ins held, %(skipped)d skipped",
            self.held, weeks=weeks, skipped=self.skipped,
        )  # fmt: skip

    def for_child(self) -> str:
        """``You and your guardians talked 6 times in 8 weeks``, in the child's words."""
        said = ngettext(
            "You and your guardians talked %(num)d time in %(weeks)s",
            "You and your guardians talked %(num)d times in %(weeks)s",
            self.held, weeks=ngettext("%(num)d week", "%(num)d weeks", len(self.weeks)),
        )  # fmt: skip
        skipped = ngettext(
            "%(num)d check-in was skipped", "%(num)d check-ins were skipped", self.skipped
        )
        unrecorded = ngettext(
            "%(num)d check-in has no record", "%(num)d check-ins have no record", self.unrecorded
        )
        if self.skipped and self.unrecorded:
            return _(
                "%(said)s; %(skipped)s and %(unrecorded)s.",
                said=said, skipped=skipped, unrecorded=unrecorded,
            )  # fmt: skip
        if self.skipped or self.unrecorded:
            missed = skipped if self.skipped else unrecorded
            return _("%(said)s; %(missed)s.", said=said, missed=missed)
        return _("%(said)s.", said=said)


Window = tuple[list[schedule.Rhythm], datetime, datetime | None]


def windows(versions: Iterable[CheckInSchedule]) -> list[Window]:
    """Each plan both sides agreed: its rhythms, when the second side agreed, and when it
    ended (``None`` while in force)."""
    plans: dict[int, list[CheckInSchedule]] = defaultdict(list)
    agreed: dict[int, datetime] = {}
    for version in versions:
        if version.guardian_agreed_at and version.child_agreed_at:
            plans[version.plan].append(version)
            both = max(version.guardian_agreed_at, version.child_agreed_at)
            agreed[version.plan] = max(agreed.get(version.plan, both), both)
    found: list[Window] = []
    for plan in sorted(plans):
        group = plans[plan]
        ends = [v.ended_at for v in group if v.ended_at is not None]
        found.append(([rhythm(v) for v in group], agreed[plan], min(ends) if ends else None))
    return found


def tally(
    plans: Sequence[Window], records: Mapping[date, bool], zone: ZoneInfo, now: datetime
) -> CheckInWeeks:
    """The weeks of ``plans``, each due date counted by its current record (held or not)
    or, without one, as having no record once a day has passed since its hour."""
    today = now.astimezone(zone).date()
    due: dict[date, str] = {}
    for rhythms, agreed, ended in plans:
        since = agreed.astimezone(zone).date()
        until = (ended or now).astimezone(zone).date()
        for day, moment in schedule.occurrences(rhythms, zone, since, min(until, today)):
            if (moment < agreed or (ended is not None and moment >= ended)) and (
                day not in records
            ):
                continue  # before the plan came into force, or after it ended: not asked for
            if day in records:
                due[day] = "held" if records[day] else "skipped"
            elif moment + schedule.GRACE < now:
                due[day] = "unrecorded"
    for day, held in records.items():  # a record is of a day that was due
        if day <= today:
            due[day] = "held" if held else "skipped"
    if not due:
        return CheckInWeeks([], agreed=bool(plans))
    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, how in due.items():
        counts[_monday(day)][how] += 1
    first, last = min(counts), max(counts)
    weeks = []
    monday = first
    while monday <= last:
        seen = counts.get(monday, {})
        weeks.append(
            Week(monday, seen.get("held", 0), seen.get("skipped", 0), seen.get("unrecorded", 0))
        )
        monday += timedelta(weeks=1)
    return CheckInWeeks(weeks)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def checkin_weeks(track: Track, records: Sequence[CheckInRecord], zone: ZoneInfo) -> CheckInWeeks:
    """The track's weeks from the check-in records the page has read already and one select
    of its agreed schedules, ended ones too."""
    held = {r.current.due_on: r.current.held for r in records}
    return tally(windows(agreed_versions(track)), held, zone, clock.now())
