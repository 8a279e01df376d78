"""Reading a track's permit records: walkthrough runs, schedules as everyone sees them,
check-ins with their corrections, learning moments. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from supervisor import clock
from supervisor.extensions import db
from supervisor.models import (
    CheckIn,
    CheckInNote,
    CheckInSchedule,
    LearningMoment,
    Track,
    WalkthroughRun,
)
from supervisor.stages import schedule

OUTCOMES: dict[str, str] = {
    "done": _l("Done"), "different": _l("We chose differently"),
    "not_found": _l("Couldn't find it"),
}  # fmt: skip
MOMENT_KINDS: dict[str, str] = {
    "posted_public": _l("Posted something that shouldn't be public"),
    "accepted_stranger": _l("Accepted a request from a stranger"),
    "overshared": _l("Shared too much about ourselves"),
    "too_long": _l("Spent too long on it"),
    "other": _l("Something else"),
}


# --- walkthroughs --------------------------------------------------------------------------


def runs(track: Track) -> list[WalkthroughRun]:
    return list(
        db.session.scalars(
            sa.select(WalkthroughRun)
            .options(selectinload(WalkthroughRun.answers))
            .where(WalkthroughRun.track_id == track.id)
            .order_by(WalkthroughRun.id)
        )
    )


# --- schedules -----------------------------------------------------------------------------


def rhythm(version: CheckInSchedule) -> schedule.Rhythm:
    return schedule.Rhythm(
        version.frequency,
        version.every_days,
        version.weekday,
        version.at_time,
        version.effective_from,
    )


@dataclass(frozen=True)
class ScheduleState:
    """A track's schedule as everyone sees it."""

    in_force: list[CheckInSchedule]  # the agreed plan's versions
    proposed: list[CheckInSchedule]  # a newer plan waiting for agreement
    since: date | None
    upcoming: list[tuple[date, datetime]]
    overdue: list[date]
    covered: set[date]  # due dates with a current record, held or skipped
    unrecorded: list[date]  # due dates up to today with no record yet, overdue or not
    held: frozenset[date]  # the covered days whose check-in took place, as recorded after it
    due: list[tuple[date, datetime]] = field(default_factory=list)  # hour passed, not yet late
    turns: datetime | None = None  # when the lists above next change by time alone

    @property
    def recent_step(self) -> CheckInSchedule | None:
        """A planned relaxation that took effect in the last two weeks, to tell everyone."""
        current = self.current
        today = clock.now().date()
        if current is None or current is self.in_force[0]:
            return None
        return current if today - current.effective_from <= timedelta(days=14) else None

    @property
    def recordable(self) -> list[date]:
        """The check-ins a guardian may record now: those whose day has come in the family's
        time zone and that have no record yet (a day to come cannot have been held)."""
        return self.unrecorded

    @property
    def current(self) -> CheckInSchedule | None:
        today = clock.now().date()
        active = [v for v in self.in_force if v.effective_from <= today]
        return active[-1] if active else (self.in_force[0] if self.in_force else None)


def _mine(model: type[CheckIn | CheckInSchedule], one: bool) -> sa.ColumnElement[bool]:
    if one:
        return model.track_id == sa.bindparam("track")
    return model.family_id.in_(sa.bindparam("families", expanding=True))


# The two selects for one track (True) and for a family's tracks (False), built once: a
# request binds its track or families (building a select cost more than running it).
_SCHEDULES = {
    one: sa.select(CheckInSchedule)
    .where(_mine(CheckInSchedule, one), CheckInSchedule.ended_at.is_(None))
    .order_by(CheckInSchedule.plan, CheckInSchedule.effective_from)
    for one in (True, False)
}
_CHECKINS = {
    one: sa.select(CheckIn.track_id, CheckIn.due_on, CheckIn.held, CheckIn.recorded_at).where(
        _mine(CheckIn, one), CheckIn.replaced_at.is_(None)
    )
    for one in (True, False)
}


def schedule_state(track: Track, zone: ZoneInfo) -> ScheduleState:
    return schedule_states([track], zone)[track.id]


def schedule_states(tracks: list[Track], zone: ZoneInfo) -> dict[int, ScheduleState]:
    """The schedule of many tracks with two queries, whatever their number (the second,
    every check-in of the tracks, also tells which were held, for the sign-off rules).

    Several tracks are read by family, one track by itself: either way the statement's text
    is the same for every family, so PostgreSQL keeps it prepared (a list of tracks would give
    a new text for every length); rows of the family's other tracks are skipped.
    """
    ids = [t.id for t in tracks]
    families = sorted({t.family_id for t in tracks})

    one = len(ids) == 1
    bound = {"track": ids[0]} if one else {"families": families}
    versions: dict[int, list[CheckInSchedule]] = {i: [] for i in ids}
    for version in db.session.scalars(_SCHEDULES[one], bound):
        if version.track_id in versions:
            versions[version.track_id].append(version)
    covered: dict[int, set[date]] = {i: set() for i in ids}
    held: dict[int, set[date]] = {i: set() for i in ids}
    now = clock.now()  # one reading for every list and for when they turn
    today = now.astimezone(zone).date()
    for track_id, due_on, was_held, recorded_at in db.session.execute(_CHECKINS[one], bound):
        if track_id in covered:
            covered[track_id].add(due_on)
            if was_held and counts(due_on, recorded_at, today, zone):
                held[track_id].add(due_on)
    return {i: _state(versions[i], covered[i], frozenset(held[i]), zone, now) for i in ids}


def counts(due_on: date, recorded_at: datetime, today: date, zone: ZoneInfo) -> bool:
    """A held check-in counts once its day has come and only if it was recorded on or after
    that day (records made ahead, before dates were checked, count once corrected)."""
    return due_on <= today and recorded_at.astimezone(zone).date() >= due_on


UPCOMING = 3  # how many coming check-ins pages and the calendar list


def _state(
    versions: list[CheckInSchedule],
    covered: set[date],
    held: frozenset[date],
    zone: ZoneInfo,
    now: datetime,
) -> ScheduleState:
    # Each version both sides agreed to, with when the second of them did.
    agreed = {
        v: max(v.guardian_agreed_at, v.child_agreed_at)
        for v in versions
        if v.guardian_agreed_at and v.child_agreed_at
    }
    plan = max((v.plan for v in agreed), default=None)
    in_force = [v for v in agreed if v.plan == plan]
    proposed = [v for v in versions if v.plan != plan and v not in agreed]
    if not in_force:
        return ScheduleState([], proposed, None, [], [], covered, [], held)
    agreed_on = max(agreed[v] for v in in_force)
    since = agreed_on.astimezone(zone).date()
    rhythms = [rhythm(v) for v in in_force]
    today = now.astimezone(zone).date()
    slots = schedule.since(rhythms, zone, agreed_on, now)
    open_slots = [slot for slot in slots if slot[0] not in covered]
    unrecorded = [day for day, _ in open_slots]
    ahead = sum(1 for day in covered if day >= today)  # recorded already: not "next" any more
    coming = schedule.upcoming(rhythms, zone, now, UPCOMING + ahead)
    upcoming = [item for item in coming if item[0] not in covered][:UPCOMING]
    overdue = schedule.overdue(rhythms, zone, agreed_on, now, covered)
    due = [(day, moment) for day, moment in open_slots if day not in overdue and moment < now]
    turns = schedule.turns(zone, now, coming, open_slots)
    return ScheduleState(
        in_force, proposed, since, upcoming, overdue, covered, unrecorded, held, due, turns
    )


def agreed_versions(track: Track) -> list[CheckInSchedule]:
    """Every version of the track's schedules both sides agreed to, ended ones too, in order."""
    return list(
        db.session.scalars(
            sa.select(CheckInSchedule)
            .where(
                CheckInSchedule.track_id == track.id,
                CheckInSchedule.guardian_agreed_at.is_not(None),
                CheckInSchedule.child_agreed_at.is_not(None),
            )
            .order_by(CheckInSchedule.plan, CheckInSchedule.effective_from)
        )
    )


def schedule_terms(version: CheckInSchedule) -> str:
    """The version of a proposed schedule a child's "I agree" names: its plan."""
    return f"plan-{version.plan}"


# --- check-ins and learning moments --------------------------------------------------------


@dataclass(frozen=True)
class CheckInRecord:
    """One due date's check-in as it stands, with the records it corrected (newest first)."""

    current: CheckIn
    earlier: list[CheckIn]
    counts: bool  # toward leaving the permit: held, and recorded once its day had come
    notes: list[CheckInNote] = field(default_factory=list)  # the child's, oldest first

    @property
    def child_notes(self) -> list[CheckInNote]:
        """The child's notes as they stand (one per record it was written on)."""
        return [n for n in self.notes if n.replaced_at is None]

    def earlier_notes(self, note: CheckInNote) -> list[CheckInNote]:
        """The versions ``note`` replaced, newest first: a changed note keeps its original."""
        by_id = {n.id: n for n in self.notes}
        found, step = [], note
        while step.replaces_id is not None and step.replaces_id in by_id:
            step = by_id[step.replaces_id]
            found.append(step)
        return found

    def note_of(self, child_id: int) -> CheckInNote | None:
        """The child's current note on this record (the one the note form changes)."""
        return next(
            (
                n
                for n in self.child_notes
                if n.checkin_id == self.current.id and n.child_id == child_id
            ),
            None,
        )

    @property
    def before_its_day(self) -> bool:
        """Held, but recorded ahead of its day: it counts only once corrected after it."""
        return self.current.held and not self.counts


def checkins(track: Track, zone: ZoneInfo) -> list[CheckInRecord]:
    """Every due date's current record, newest date first, each with its history."""
    rows = list(
        db.session.scalars(
            sa.select(CheckIn)
            .options(joinedload(CheckIn.recorded_by), joinedload(CheckIn.confirmed_by))
            .where(CheckIn.track_id == track.id)
            .order_by(CheckIn.due_on.desc(), CheckIn.id.desc())
        )
    )
    by_id = {row.id: row for row in rows}
    notes: dict[int, list[CheckInNote]] = {}
    for note in db.session.scalars(
        sa.select(CheckInNote)
        .where(CheckInNote.checkin_id.in_(list(by_id)))
        .order_by(CheckInNote.id)
    ):
        notes.setdefault(note.checkin_id, []).append(note)
    today = clock.now().astimezone(zone).date()
    found = []
    for row in rows:
        if row.replaced_at is not None:
            continue
        earlier, step = [], row
        while step.replaces_id is not None and step.replaces_id in by_id:
            step = by_id[step.replaces_id]
            earlier.append(step)
        found.append(
            CheckInRecord(
                row,
                earlier,
                row.held and counts(row.due_on, row.recorded_at, today, zone),
                sorted(
                    (n for r in (row, *earlier) for n in notes.get(r.id, [])), key=lambda n: n.id
                ),
            )
        )
    return found


def moments(track: Track) -> list[LearningMoment]:
    return list(
        db.session.scalars(
            sa.select(LearningMoment)
            .options(joinedload(LearningMoment.withdrawn_by))
            .where(LearningMoment.track_id == track.id)
            .order_by(LearningMoment.created_at.desc())
        )
    )


def on_agenda(found: list[LearningMoment]) -> list[LearningMoment]:
    """The moments still to talk through: not talked through yet, not withdrawn."""
    return [m for m in found if m.talked_in_id is None and m.withdrawn_at is None]
