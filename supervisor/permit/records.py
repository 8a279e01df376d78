"""Reading and changing a track's permit records: walkthrough runs, schedules, check-ins,
learning moments. Operations flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from supervisor import clock
from supervisor.errors import Refusal
from supervisor.extensions import db
from supervisor.models import (
    CheckIn,
    CheckInSchedule,
    Child,
    Guardian,
    LearningMoment,
    Track,
    WalkthroughAnswer,
    WalkthroughRun,
)
from supervisor.permit import schedule
from supervisor.permit.walkthroughs import Walkthrough, for_platform

OUTCOMES = {"done": "Done", "different": "We chose differently", "not_found": "Couldn't find it"}
MOMENT_KINDS = {
    "posted_public": "Posted something that shouldn't be public",
    "accepted_stranger": "Accepted a request from a stranger",
    "overshared": "Shared too much about ourselves",
    "too_long": "Spent too long on it",
    "other": "Something else",
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


def start_run(track: Track) -> WalkthroughRun:
    run = WalkthroughRun(
        family_id=track.family_id,
        track_id=track.id,
        walkthrough=for_platform(track.platform).key,
        started_at=clock.now(),
    )
    db.session.add(run)
    db.session.flush()
    return run


def answer_step(
    run: WalkthroughRun, walkthrough: Walkthrough, step: int, outcome: str, note: str | None
) -> None:
    """Save one step's outcome (again, if changed); the last step finishes the run."""
    existing = db.session.get(WalkthroughAnswer, (run.id, step))
    if existing is None:
        db.session.add(
            WalkthroughAnswer(
                run_id=run.id,
                step=step,
                family_id=run.family_id,
                outcome=outcome,
                note=note,
                at=clock.now(),
            )
        )
    else:
        existing.outcome, existing.note, existing.at = outcome, note, clock.now()
    db.session.flush()
    db.session.refresh(run)
    if len(run.answers) == len(walkthrough.steps) and run.finished_at is None:
        run.finished_at = clock.now()


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

    def mine(model: type[CheckIn | CheckInSchedule]) -> sa.ColumnElement[bool]:
        return model.track_id == ids[0] if len(ids) == 1 else model.family_id.in_(families)

    versions: dict[int, list[CheckInSchedule]] = {i: [] for i in ids}
    for version in db.session.scalars(
        sa.select(CheckInSchedule)
        .where(mine(CheckInSchedule), CheckInSchedule.ended_at.is_(None))
        .order_by(CheckInSchedule.plan, CheckInSchedule.effective_from)
    ):
        if version.track_id in versions:
            versions[version.track_id].append(version)
    covered: dict[int, set[date]] = {i: set() for i in ids}
    held: dict[int, set[date]] = {i: set() for i in ids}
    today = clock.now().astimezone(zone).date()
    for track_id, due_on, was_held, recorded_at in db.session.execute(
        sa.select(CheckIn.track_id, CheckIn.due_on, CheckIn.held, CheckIn.recorded_at).where(
            mine(CheckIn), CheckIn.replaced_at.is_(None)
        )
    ):
        if track_id in covered:
            covered[track_id].add(due_on)
            if was_held and counts(due_on, recorded_at, today, zone):
                held[track_id].add(due_on)
    return {i: _state(versions[i], covered[i], frozenset(held[i]), zone) for i in ids}


def counts(due_on: date, recorded_at: datetime, today: date, zone: ZoneInfo) -> bool:
    """A held check-in counts once its day has come and only if it was recorded on or after
    that day (records made ahead, before dates were checked, count once corrected)."""
    return due_on <= today and recorded_at.astimezone(zone).date() >= due_on


UPCOMING = 3  # how many coming check-ins pages and the calendar list


def _state(
    versions: list[CheckInSchedule], covered: set[date], held: frozenset[date], zone: ZoneInfo
) -> ScheduleState:
    agreed = [v for v in versions if v.guardian_agreed_at and v.child_agreed_at]
    plan = max((v.plan for v in agreed), default=None)
    in_force = [v for v in agreed if v.plan == plan]
    proposed = [
        v for v in versions if v.plan != plan and not (v.guardian_agreed_at and v.child_agreed_at)
    ]
    if not in_force:
        return ScheduleState([], proposed, None, [], [], covered, [], held)
    agreed_on = max(max(v.guardian_agreed_at, v.child_agreed_at) for v in in_force)  # type: ignore[type-var]
    since = agreed_on.astimezone(zone).date()
    rhythms = [rhythm(v) for v in in_force]
    now = clock.now()
    today = now.astimezone(zone).date()
    unrecorded = [
        day for day, _ in schedule.occurrences(rhythms, zone, since, today) if day not in covered
    ]
    ahead = sum(1 for day in covered if day >= today)  # recorded already: not "next" any more
    upcoming = [
        item
        for item in schedule.upcoming(rhythms, zone, now, UPCOMING + ahead)
        if item[0] not in covered
    ][:UPCOMING]
    overdue = schedule.overdue(rhythms, zone, since, now, covered)
    due = [
        (day, moment)
        for day, moment in schedule.occurrences(rhythms, zone, since, today)
        if day not in covered and day not in overdue and moment < now
    ]
    return ScheduleState(
        in_force, proposed, since, upcoming, overdue, covered, unrecorded, held, due
    )


def propose(
    guardian: Guardian, track: Track, versions: list[schedule.Rhythm], minutes: int
) -> None:
    """A new plan (one version, or a fade plan of several), agreed by the guardian now.

    The track's row is locked first, so two guardians proposing at the same moment take
    turns: each plan gets its own number, and the later one replaces the earlier. A track
    that left the permit meanwhile raises ``NotAtPermit``.
    """
    if _lock_stage(track) != "permit":
        raise NotAtPermit
    plan = (
        db.session.scalar(
            sa.select(sa.func.max(CheckInSchedule.plan)).where(CheckInSchedule.track_id == track.id)
        )
        or 0
    ) + 1
    now = clock.now()
    for old in db.session.scalars(
        sa.select(CheckInSchedule).where(
            CheckInSchedule.track_id == track.id,
            CheckInSchedule.ended_at.is_(None),
            CheckInSchedule.child_agreed_at.is_(None),
        )
    ):
        old.ended_at = now  # an unanswered proposal is replaced, and kept
    for version in versions:
        db.session.add(
            CheckInSchedule(
                family_id=track.family_id,
                track_id=track.id,
                plan=plan,
                frequency=version.frequency,
                every_days=version.every_days,
                weekday=version.weekday,
                at_time=version.at_time,
                minutes=minutes,
                effective_from=version.effective_from,
                created_at=now,
                guardian_agreed_at=now,
            )
        )


class NotAtPermit(Refusal):
    """The track left the learner's permit while the request waited for its row."""

    description = (
        "This track left the learner's permit while your changes were being saved, so nothing "
        "was saved: how a guardian looks in and the check-ins belong to the learner's permit."
    )


def _lock_stage(track: Track) -> str:
    """Lock the track's row (PostgreSQL; SQLite's writers take turns) and read its stage now."""
    stage: str = db.session.execute(
        sa.select(Track.stage).where(Track.id == track.id).with_for_update()
    ).scalar_one()
    return stage


class TermsChanged(Refusal):
    """What the child agreed to is no longer what is proposed: a guardian changed it."""

    description = (
        "Your guardian changed this since you opened the page, so your “I agree” was not saved. "
        "Read the new version below, and agree again if you do."
    )


def schedule_terms(version: CheckInSchedule) -> str:
    """The version of a proposed schedule a child's "I agree" names: its plan."""
    return f"plan-{version.plan}"


def child_agrees(child: Child, track: Track, shown: str) -> bool:
    """The child's "I agree" to the plan the page showed (``shown``): it comes into force;
    the one before is kept, ended. ``False`` when nothing waits; ``TermsChanged`` when a
    guardian proposed something else since the page was shown. Takes the track's row lock,
    like ``propose``, so an "I agree" never lands on a plan being replaced."""
    _lock_stage(track)
    now = clock.now()
    waiting = list(
        db.session.scalars(
            sa.select(CheckInSchedule).where(
                CheckInSchedule.track_id == track.id,
                CheckInSchedule.ended_at.is_(None),
                CheckInSchedule.child_agreed_at.is_(None),
            )
        )
    )
    if not waiting:
        return False
    if schedule_terms(waiting[0]) != shown:
        raise TermsChanged
    plan = waiting[0].plan
    for version in waiting:
        version.child_agreed_at = now
    for older in db.session.scalars(
        sa.select(CheckInSchedule).where(
            CheckInSchedule.track_id == track.id,
            CheckInSchedule.ended_at.is_(None),
            CheckInSchedule.plan < plan,
        )
    ):
        older.ended_at = now
    return True


def end_schedule(track: Track) -> None:
    """Monitoring is over (licence or step back): every version ends, and is kept."""
    now = clock.now()
    db.session.execute(
        sa.update(CheckInSchedule)
        .where(CheckInSchedule.track_id == track.id, CheckInSchedule.ended_at.is_(None))
        .values(ended_at=now)
    )


# --- check-ins and learning moments --------------------------------------------------------


class AlreadyRecorded(Exception):
    """That due date has a current record already (perhaps saved a moment ago by another)."""


class Changed(Exception):
    """The record was corrected or withdrawn since the page showed it."""


def record_checkin(
    guardian: Guardian,
    track: Track,
    due_on: date,
    held: bool,
    prompts_used: list[str],
    shared: str | None,
    private: str | None,
    talked: list[int],
) -> CheckIn:
    """The one record of ``due_on``; a second (even one racing this) is ``AlreadyRecorded``."""
    checkin = CheckIn(
        family_id=track.family_id,
        track_id=track.id,
        due_on=due_on,
        held=held,
        recorded_at=clock.now(),
        recorded_by_id=guardian.id,
        prompts_used=prompts_used if held else [],
        shared_notes=shared or None,
        private_notes=private or None,
        moments_talked=talked if held else [],
    )
    try:
        with db.session.begin_nested():
            db.session.add(checkin)
    except sa.exc.IntegrityError:
        raise AlreadyRecorded from None
    _talk_through(track, checkin)
    return checkin


def correct_checkin(
    guardian: Guardian,
    old: CheckIn,
    seen_version: int,
    held: bool,
    prompts_used: list[str],
    shared: str | None,
    private: str | None,
    talked: list[int],
    reason: str,
) -> CheckIn:
    """A new record replaces ``old``, which stays in the history as it was.

    ``seen_version`` is the version the form showed: a correction made meanwhile raises
    ``Changed``, and one racing this request fails its version check (a conflict).
    """
    if old.replaced_at is not None or old.version != seen_version:
        raise Changed
    now = clock.now()
    old.replaced_at = now
    db.session.flush()  # UPDATE ... WHERE version = seen: the loser of a race stops here
    new = CheckIn(
        family_id=old.family_id,
        track_id=old.track_id,
        due_on=old.due_on,
        held=held,
        recorded_at=now,
        recorded_by_id=guardian.id,
        prompts_used=prompts_used if held else [],
        shared_notes=shared or None,
        private_notes=private or None,
        moments_talked=talked if held else [],
        replaces_id=old.id,
        reason=reason,
    )
    db.session.add(new)
    db.session.flush()
    db.session.execute(
        sa.update(LearningMoment)
        .where(LearningMoment.talked_in_id == old.id)
        .values(talked_in_id=None, version=LearningMoment.version + 1)
    )
    _talk_through(db.session.get_one(Track, old.track_id), new)
    return new


def _talk_through(track: Track, checkin: CheckIn) -> None:
    """Mark the moments a held check-in talked through (open, not withdrawn, this track's)."""
    if not checkin.moments_talked:
        return
    db.session.execute(
        sa.update(LearningMoment)
        .where(
            LearningMoment.track_id == track.id,
            LearningMoment.id.in_(checkin.moments_talked),
            LearningMoment.talked_in_id.is_(None),
            LearningMoment.withdrawn_at.is_(None),
        )
        .values(talked_in_id=checkin.id, version=LearningMoment.version + 1)
    )


def withdraw_moment(
    guardian: Guardian, moment: LearningMoment, seen_version: int, reason: str
) -> None:
    """A moment logged by mistake: kept and marked, off the agenda, counted nowhere."""
    if moment.withdrawn_at is not None or moment.version != seen_version:
        raise Changed
    moment.withdrawn_at = clock.now()
    moment.withdrawn_by_id = guardian.id
    moment.withdrawn_reason = reason
    db.session.flush()


@dataclass(frozen=True)
class CheckInRecord:
    """One due date's check-in as it stands, with the records it corrected (newest first)."""

    current: CheckIn
    earlier: list[CheckIn]
    counts: bool  # toward leaving the permit: held, and recorded once its day had come

    @property
    def before_its_day(self) -> bool:
        """Held, but recorded ahead of its day: it counts only once corrected after it."""
        return self.current.held and not self.counts


def checkins(track: Track, zone: ZoneInfo) -> list[CheckInRecord]:
    """Every due date's current record, newest date first, each with its history."""
    rows = list(
        db.session.scalars(
            sa.select(CheckIn)
            .options(joinedload(CheckIn.recorded_by))
            .where(CheckIn.track_id == track.id)
            .order_by(CheckIn.due_on.desc(), CheckIn.id.desc())
        )
    )
    by_id = {row.id: row for row in rows}
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
                row, earlier, row.held and counts(row.due_on, row.recorded_at, today, zone)
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
