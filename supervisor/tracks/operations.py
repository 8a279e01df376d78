"""Everything that changes a track: adding it, ticks, requests, sign-offs, declines, steps
back, removing one started by mistake, and the end of supervision at 18.

Each operation writes its history row (and audit record and notifications) in the caller's
transaction; the request (or the daily job) commits once. The engine decides; these functions
only record. Every stage move goes through ``_move``, which locks the track's row first, so two
requests for one track take turns and the loser sees what the winner did.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from supervisor import audit, clock
from supervisor.content.platforms import PLATFORMS
from supervisor.db import set_present
from supervisor.extensions import db
from supervisor.mail.topics import Topic
from supervisor.models import (
    ChecklistTick,
    Child,
    Family,
    Guardian,
    Track,
    TrackEvent,
)
from supervisor.notices import N_, Stage, notice, notify_guardians
from supervisor.permit.operations import end_schedule
from supervisor.stages import FIRST, engine
from supervisor.stages.ages import ADULT, age_now
from supervisor.stages.base import StageKey
from supervisor.stages.events import EventKind
from supervisor.tracks import age_gate, facts


def track_name(track: Track) -> str:
    return track.other_name or PLATFORMS[track.platform].name


def progress(track: Track) -> engine.Progress:
    return engine.progress(facts.snapshots(db.session, [track])[track.id])


SYSTEM = "system"  # the actor of what the app does by itself (the end of supervision at 18)


def _event(
    track: Track, kind: EventKind, actor: Guardian | Child | None, **fields: object
) -> TrackEvent:
    event = TrackEvent(
        family_id=track.family_id,
        track_id=track.id,
        at=clock.now(),
        kind=kind,
        actor=actor.get_id() if actor is not None else SYSTEM,
        guardian_id=actor.id if isinstance(actor, Guardian) else None,
        **fields,
    )
    db.session.add(event)
    return event


def _lock(track: Track) -> Track:
    """Read the track again under a row lock (PostgreSQL; SQLite's writers already take turns).

    A request that waited here sees the stage, version and signatures the winner committed,
    so it decides on what is true now instead of failing on what it read before.
    """
    db.session.flush()
    locked = db.session.scalars(
        sa.select(Track)
        .where(Track.id == track.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if locked.removed_at is not None:
        raise engine.Refused(
            _("This track was removed; nothing on it changes any more."), conflict=True
        )
    return locked


def add_track(guardian: Guardian, child: Child, platform: str, other_name: str | None) -> Track:
    now = clock.now()
    track = Track(
        family_id=child.family_id,
        child_id=child.id,
        platform=platform,
        other_name=(other_name or "").strip() or None if platform == "other" else None,
        stage=FIRST,
        stage_entered_at=now,
        created_at=now,
    )
    db.session.add(track)
    db.session.flush()
    _event(track, EventKind.CREATED, guardian, to_stage=FIRST)
    return track


def remove_track(guardian: Guardian, track: Track, reason: str) -> None:
    """Remove a track started by mistake: only in instruction, before anything was signed
    off. The row and its history stay (the removal is one more history row); no page shows
    it as a current track, and nothing on it can change any more."""
    track = _lock(track)
    if track.stage is not FIRST:
        raise engine.Refused(
            _(
                "Only a track still in instruction can be removed, and %(track)s is at "
                "%(stage)s: its sign-offs are part of %(child)s's record. You can step it back "
                "instead.",
                track=track_name(track),
                stage=_(track.stage.label),
                child=track.child.display_name,
            ),
            conflict=True,
        )
    signed = db.session.scalar(
        sa.select(sa.func.count(TrackEvent.id)).where(
            TrackEvent.track_id == track.id,
            TrackEvent.kind.not_in((EventKind.CREATED, EventKind.REQUEST, EventKind.DECLINE)),
        )
    )
    if signed:
        raise engine.Refused(
            _(
                "%(track)s was signed off or stepped back before: its sign-offs are part of "
                "%(child)s's record, so it stays. Only a track that never left instruction can "
                "be removed as started by mistake.",
                track=track_name(track),
                child=track.child.display_name,
            ),
            conflict=True,
        )
    track.removed_at = clock.now()
    track.removed_by_id = guardian.id
    track.removed_reason = reason
    track.requested_at = None
    track.request_note = None
    _flush_or_conflict()
    _event(track, EventKind.REMOVED, guardian, from_stage=track.stage, reason=reason)


def set_tick(guardian: Guardian, track: Track, item: str, label: str, ticked: bool) -> None:
    """Tick or untick ``item``; a tick keeps ``label``, the words it was given for."""
    set_present(
        db.session,
        ChecklistTick,
        (track.id, item),
        ticked,
        lambda: ChecklistTick(
            track_id=track.id,
            item=item,
            family_id=track.family_id,
            ticked_by_id=guardian.id,
            ticked_at=clock.now(),
            label=label,
        ),
    )


def set_refresher(track: Track, on: bool) -> None:
    """The yearly refresher reminder of a licence, on or off."""
    track.refresher = on


def choose_connections(track: Track, chosen: list[str]) -> bool:
    """With a licence, the child's own ways to stay connected with the family (``False``
    before the licence: nothing is saved)."""
    if track.stage != StageKey.LICENCE.value:
        return False
    track.connections = chosen
    return True


def request_sign_off(child: Child, track: Track, note: str) -> None:
    """A child asks for sign-off in their own words; raises ``engine.Refused``."""
    track = _lock(track)
    current = progress(track)
    engine.check_request(current, already_pending=track.requested_at is not None)
    if current.stage.advances_to is StageKey.PERMIT and not (gate := age_gate.gate(track)).open:
        raise engine.Refused(gate.why_for_child())
    track.requested_at = clock.now()
    track.request_note = note.strip() or None
    _event(
        track,
        EventKind.REQUEST,
        child,
        from_stage=track.stage,
        to_stage=current.stage.advances_to,
        reason=track.request_note,
        requirements=current.as_record(),
    )
    # The dashboard's request card is the notice on the page, and stays until answered; the
    # guardians who want it hear of it by mail.
    notify_guardians(
        track.family_id,
        notice(
            N_("%(child)s asks for sign-off on %(track)s."),
            child=child.display_name,
            track=track_name(track),
        ),
        topic=Topic.SIGN_OFF_REQUEST,
        in_app=False,
    )


def decline(guardian: Guardian, track: Track, reason: str) -> None:
    track = _lock(track)
    if track.requested_at is None:
        raise engine.Refused(_("There is no open request to decline."), conflict=True)
    if not reason.strip():
        raise engine.Refused(_("Write a reason; your child will read it."))
    track.requested_at = None
    track.request_note = None
    _event(track, EventKind.DECLINE, guardian, from_stage=track.stage, reason=reason.strip())


@dataclass(frozen=True)
class SignOffResult:
    advanced: bool
    waiting_for: str | None = None


def sign_off(
    guardian: Guardian, track: Track, expected_from: StageKey, override_reason: str | None
) -> SignOffResult:
    """A guardian's signature; the advance happens when the family's rule is satisfied."""
    track = _lock(track)
    family = db.session.get_one(Family, track.family_id)
    current = progress(track)
    transition = engine.plan_advance(current, expected_from, override_reason)
    _check_age(track, transition)
    if family.both_guardians_sign and len(family.guardians) > 1:
        others = _other_signatures(track, guardian)
        _event(
            track,
            EventKind.SIGNATURE,
            guardian,
            from_stage=track.stage,
            to_stage=transition.to_stage,
            reason=transition.reason,
            override=transition.override,
            requirements=current.as_record(),
        )
        if not others:
            audit.record(
                "sign_off",
                audit.SUCCESS,
                family_id=track.family_id,
                actor=guardian,
                subject=f"track:{track.id} {track.stage} signature, waiting for a second",
            )
            notify_guardians(
                track.family_id,
                notice(
                    N_(
                        "%(guardian)s signed off %(child)s's %(track)s; a second guardian's "
                        "signature is needed."
                    ),
                    guardian=guardian.name,
                    child=track.child.display_name,
                    track=track_name(track),
                ),
                skip=guardian,
                topic=Topic.SECOND_SIGNATURE,
            )
            _flush_or_conflict()
            return SignOffResult(advanced=False, waiting_for=_("a second guardian"))
    _move(guardian, track, transition, current)
    return SignOffResult(advanced=True)


def step_back(guardian: Guardian, track: Track, expected_from: StageKey, reason: str) -> None:
    track = _lock(track)
    transition = engine.plan_step_back(track.stage, expected_from, reason)
    _check_age(track, transition)
    _move(guardian, track, transition, progress(track))


def end_supervision_at_majority(
    family_id: int | None = None, because: str | None = None, child_id: int | None = None
) -> int:
    """Every track of every child now 18 or over goes to the licence; returns how many moved.

    The same move as a sign-off (history, audit, version check, request and consent cleared),
    made by the app itself: run by the daily job, after a sign-in or unlock, and after a
    guardian corrects a birth date (``because`` then says why in the child's history).
    """
    query = (
        sa.select(Track)
        .join(Child, Track.child_id == Child.id)
        .where(
            Track.stage != StageKey.LICENCE,
            Track.removed_at.is_(None),
            Child.birth_year <= clock.now().year - ADULT,
        )
        .order_by(Track.id)
    )
    if family_id is not None:
        query = query.where(Track.family_id == family_id)
    if child_id is not None:
        query = query.where(Track.child_id == child_id)
    moved = 0
    for track in db.session.scalars(query).all():
        child = track.child
        if age_now(child.birth_year, child.birth_month) < ADULT:
            continue
        track = _lock(track)
        if track.stage is StageKey.LICENCE:
            continue  # a sign-off got there while this waited
        reason = because or _("%(child)s turned %(age)d.", child=child.display_name, age=ADULT)
        _move(None, track, engine.plan_majority(track.stage, reason), progress(track))
        moved += 1
    return moved


def _check_age(track: Track, transition: engine.Transition) -> None:
    """No way into the permit (sign-off or step back) for a child below the platform's age."""
    if transition.to_stage is StageKey.PERMIT and not (gate := age_gate.gate(track)).open:
        raise engine.Refused(gate.why(track.child.display_name))


def _other_signatures(track: Track, guardian: Guardian) -> list[int]:
    """Guardians other than ``guardian`` who signed since the track entered its stage (and
    are guardians still: a signature of one who left is no longer a second key). "Since" is
    by the history's order, not its clock: a signature given before a step back in the same
    instant is from the stage's last stint."""
    entered = (
        sa.select(sa.func.coalesce(sa.func.max(TrackEvent.id), 0))
        .where(
            TrackEvent.track_id == track.id,
            TrackEvent.kind.in_([EventKind.ADVANCE, EventKind.STEP_BACK, EventKind.MAJORITY]),
        )
        .scalar_subquery()
    )
    return list(
        db.session.scalars(
            sa.select(TrackEvent.guardian_id)
            .join(Guardian, TrackEvent.guardian_id == Guardian.id)
            .where(
                Guardian.left_at.is_(None),
                TrackEvent.track_id == track.id,
                TrackEvent.kind == EventKind.SIGNATURE,
                TrackEvent.from_stage == track.stage,
                TrackEvent.id > entered,
                TrackEvent.guardian_id != guardian.id,
            )
        )
    )


def _move(
    guardian: Guardian | None,
    track: Track,
    transition: engine.Transition,
    current: engine.Progress,
) -> None:
    """The one write path of a stage change; ``guardian`` is ``None`` when the app moves it."""
    now = clock.now()
    track.stage = transition.to_stage
    track.stage_entered_at = now
    track.requested_at = None
    track.request_note = None
    _flush_or_conflict()  # the versioned UPDATE first: a lost race stops here
    if transition.to_stage is not StageKey.LICENCE:
        # A permit entered again needs a new arrangement and a new "I agree". At the licence
        # the arrangement stays as the record of what the licence ended (the stage says it
        # is over); schedules and check-ins stay in the records either way.
        track.monitoring = None
        track.monitoring_agreed_at = None
        track.monitoring_chosen_by_id = None
        track.monitoring_child_agreed_at = None
    if transition.to_stage is not StageKey.PERMIT:
        # Monitoring belongs to the permit alone: it ends at the licence or on a step back.
        end_schedule(track)
        _flush_or_conflict()
    _event(
        track,
        transition.kind,
        guardian,
        from_stage=transition.from_stage,
        to_stage=transition.to_stage,
        reason=transition.reason,
        override=transition.override,
        requirements=current.as_record(),
    )
    audit.record(
        AUDIT_ACTIONS[transition.kind],
        audit.SUCCESS,
        family_id=track.family_id,
        actor=guardian or SYSTEM,
        subject=f"track:{track.id} {transition.from_stage}->{transition.to_stage}",
    )
    child, name = track.child.display_name, track_name(track)
    if guardian is None:
        told = notice(
            N_(
                "%(child)s is %(age)d: supervision of %(track)s has ended, as the law and this "
                "app expect."
            ),
            child=child,
            age=ADULT,
            track=name,
        )
    else:
        told = notice(
            N_("%(guardian)s signed off %(child)s's %(track)s: now %(stage)s.")
            if transition.kind is EventKind.ADVANCE
            else N_("%(guardian)s stepped back %(child)s's %(track)s: now %(stage)s."),
            guardian=guardian.name,
            child=child,
            track=name,
            stage=Stage(transition.to_stage),
        )
    notify_guardians(track.family_id, told, skip=guardian)


AUDIT_ACTIONS = {
    EventKind.ADVANCE: "sign_off",
    EventKind.STEP_BACK: "step_back",
    EventKind.MAJORITY: "majority",
}


def _flush_or_conflict() -> None:
    """The optimistic lock: a sign-off that lost a race is refused, not applied twice."""
    try:
        db.session.flush()
    except StaleDataError as error:
        raise engine.Refused(
            _("Someone else changed this track just now. Look again."), conflict=True
        ) from error
