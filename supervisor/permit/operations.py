"""Changing a track's permit records: walkthrough runs, schedules and the child's "I agree",
check-ins and their corrections, learning moments. Operations add and flush, never commit:
the request is the transaction."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from supervisor import clock, tokens
from supervisor.content.walkthroughs import Walkthrough, for_platform
from supervisor.errors import Refusal
from supervisor.extensions import db
from supervisor.mail.topics import Topic
from supervisor.models import (
    CheckIn,
    CheckInNote,
    CheckInSchedule,
    Child,
    Family,
    Guardian,
    LearningMoment,
    Track,
    WalkthroughAnswer,
    WalkthroughRun,
)
from supervisor.notices import N_, Moment, notice, notify_guardians
from supervisor.permit.reads import schedule_terms
from supervisor.stages import schedule

# --- walkthroughs --------------------------------------------------------------------------


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
                proposed_by_id=guardian.id,
            )
        )


class NotAtPermit(Refusal):
    """The track left the learner's permit while the request waited for its row."""

    description = _l(
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

    description = _l(
        "Your guardian changed this since you opened the page, so your “I agree” was not saved. "
        "Read the new version below, and agree again if you do."
    )


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


def child_agrees_arrangement(track: Track, shown: str) -> bool:
    """The child's own "I agree" to the way of looking in the page showed (``shown``).
    ``False`` when none waits for it; ``TermsChanged`` when a guardian chose another since."""
    if not track.monitoring or track.stage != "permit" or track.monitoring_child_agreed_at:
        return False
    if shown != track.monitoring:
        raise TermsChanged
    track.monitoring_child_agreed_at = clock.now()
    return True


def choose_arrangement(guardian: Guardian, track: Track, arrangement: str) -> None:
    """How a guardian looks in during the permit; a new arrangement needs a new "I agree"."""
    if track.monitoring != arrangement:
        track.monitoring_child_agreed_at = None
    track.monitoring = arrangement
    track.monitoring_agreed_at = clock.now()
    track.monitoring_chosen_by_id = guardian.id


def end_schedule(track: Track) -> None:
    """Monitoring is over (licence or step back): every version ends, and is kept."""
    now = clock.now()
    db.session.execute(
        sa.update(CheckInSchedule)
        .where(CheckInSchedule.track_id == track.id, CheckInSchedule.ended_at.is_(None))
        .values(ended_at=now)
    )


def new_calendar_link(family: Family) -> str:
    """A new secret link to the check-in calendar: returns its token, of which only the
    digest is kept; the link before stops working."""
    token = tokens.new_token()
    family.calendar_token_hash = tokens.digest(token)
    return token


def stop_calendar_link(family: Family) -> None:
    family.calendar_token_hash = None


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
    confirmed_by: Child | None = None,
) -> CheckIn:
    """The one record of ``due_on``; a second (even one racing this) is ``AlreadyRecorded``.

    ``confirmed_by``: the child whose PIN was just checked, at the end of a check-in held
    together ("I was there, and this is what we said").
    """
    now = clock.now()
    checkin = CheckIn(
        family_id=track.family_id,
        track_id=track.id,
        due_on=due_on,
        held=held,
        recorded_at=now,
        recorded_by_id=guardian.id,
        prompts_used=prompts_used if held else [],
        shared_notes=shared or None,
        private_notes=private or None,
        moments_talked=talked if held else [],
        child_confirmed_at=now if confirmed_by else None,
        confirmed_by_id=confirmed_by.id if confirmed_by else None,
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


def write_note(child: Child, checkin: CheckIn, seen: int | None, text: str) -> CheckInNote:
    """The child's own note on a check-in; a changed note replaces the one before, which
    stays. ``seen`` is the id of the note the page showed (``None``: none yet): a note
    written meanwhile (another tab, or a request racing this) raises ``Changed``."""
    current = db.session.scalar(
        sa.select(CheckInNote).where(
            CheckInNote.checkin_id == checkin.id,
            CheckInNote.child_id == child.id,
            CheckInNote.replaced_at.is_(None),
        )
    )
    if (current.id if current else None) != seen:
        raise Changed
    now = clock.now()
    note = CheckInNote(
        family_id=checkin.family_id,
        checkin_id=checkin.id,
        child_id=child.id,
        text=text,
        written_at=now,
        replaces_id=current.id if current else None,
    )
    try:
        with db.session.begin_nested():
            if current is not None:
                current.replaced_at = now
                db.session.flush()
            db.session.add(note)
    except sa.exc.IntegrityError:
        raise Changed from None
    notify_guardians(
        checkin.family_id,
        notice(
            N_("%(child)s changed their note on the check-in of %(day)s: “%(note)s”")
            if current
            else N_("%(child)s added a note on the check-in of %(day)s: “%(note)s”"),
            child=child.display_name,
            day=Moment(checkin.due_on, "long-date"),
            note=text,
        ),
    )
    return note


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


def add_moment(track: Track, kind: str, what_happened: str, lesson: str | None) -> LearningMoment:
    """A mistake logged as a learning moment (never a score), for the next check-in's agenda."""
    moment = LearningMoment(
        family_id=track.family_id,
        track_id=track.id,
        kind=kind,
        what_happened=what_happened,
        lesson=lesson,
        created_at=clock.now(),
    )
    db.session.add(moment)
    return moment


def reflect(moment: LearningMoment, reflection: str) -> None:
    """The child's own reflection on a learning moment, once."""
    moment.reflection = reflection
    moment.reflected_at = clock.now()
    track = db.session.get_one(Track, moment.track_id)
    notify_guardians(
        track.family_id,
        notice(
            N_("%(child)s wrote a reflection on a learning moment."),
            child=track.child.display_name,
        ),
        topic=Topic.REFLECTION,
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
