"""Everything that changes a track: adding it, ticks, requests, sign-offs, declines, steps back.

Each operation writes its history row (and audit record and notifications) in the caller's
transaction; the view commits once. The engine decides; these functions only record.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from supervisor import audit, clock
from supervisor.extensions import db
from supervisor.models import (
    ChecklistTick,
    Child,
    Family,
    Guardian,
    Notification,
    Track,
    TrackEvent,
)
from supervisor.permit import records
from supervisor.stages import FIRST, STAGES, engine
from supervisor.stages.base import StageKey
from supervisor.tracks import facts
from supervisor.tracks.platforms import PLATFORMS

CREATED = "created"
REQUEST = "request"
DECLINE = "decline"
SIGNATURE = "signature"


def track_name(track: Track) -> str:
    return track.other_name or PLATFORMS[track.platform].name


def progress(track: Track) -> engine.Progress:
    return engine.progress(facts.snapshots(db.session, [track])[track.id])


def _event(track: Track, kind: str, actor: Guardian | Child, **fields: object) -> TrackEvent:
    event = TrackEvent(
        family_id=track.family_id,
        track_id=track.id,
        at=clock.now(),
        kind=kind,
        actor=actor.get_id(),
        guardian_id=actor.id if isinstance(actor, Guardian) else None,
        **fields,
    )
    db.session.add(event)
    return event


def notify_guardians(family_id: int, text: str, *, skip: Guardian | None = None) -> None:
    guardian_ids = db.session.scalars(sa.select(Guardian.id).where(Guardian.family_id == family_id))
    now = clock.now()
    db.session.add_all(
        Notification(family_id=family_id, guardian_id=gid, created_at=now, text=text)
        for gid in guardian_ids
        if skip is None or gid != skip.id
    )


def add_track(guardian: Guardian, child: Child, platform: str, other_name: str | None) -> Track:
    now = clock.now()
    track = Track(
        family_id=child.family_id,
        child_id=child.id,
        platform=platform,
        other_name=(other_name or "").strip() or None if platform == "other" else None,
        stage=FIRST.value,
        stage_entered_at=now,
        created_at=now,
    )
    db.session.add(track)
    db.session.flush()
    _event(track, CREATED, guardian, to_stage=FIRST.value)
    return track


def set_tick(guardian: Guardian, track: Track, item: str, ticked: bool) -> None:
    existing = db.session.get(ChecklistTick, (track.id, item))
    if ticked and existing is None:
        db.session.add(
            ChecklistTick(
                track_id=track.id,
                item=item,
                family_id=track.family_id,
                ticked_by_id=guardian.id,
                ticked_at=clock.now(),
            )
        )
    elif not ticked and existing is not None:
        db.session.delete(existing)


def request_sign_off(child: Child, track: Track, note: str) -> None:
    """A child asks for sign-off in their own words; raises ``engine.Refused``."""
    current = progress(track)
    engine.check_request(current, already_pending=track.requested_at is not None)
    track.requested_at = clock.now()
    track.request_note = note.strip() or None
    _event(
        track,
        REQUEST,
        child,
        from_stage=track.stage,
        to_stage=current.stage.advances_to,
        reason=track.request_note,
        requirements=current.as_record(),
    )
    notify_guardians(
        track.family_id, f"{child.display_name} asks for sign-off on {track_name(track)}."
    )


def decline(guardian: Guardian, track: Track, reason: str) -> None:
    if track.requested_at is None:
        raise engine.Refused("There is no open request to decline.", conflict=True)
    if not reason.strip():
        raise engine.Refused("Write a reason; your child will read it.")
    track.requested_at = None
    track.request_note = None
    _event(track, DECLINE, guardian, from_stage=track.stage, reason=reason.strip())


@dataclass(frozen=True)
class SignOffResult:
    advanced: bool
    waiting_for: str | None = None


def sign_off(
    guardian: Guardian, track: Track, expected_from: StageKey, override_reason: str | None
) -> SignOffResult:
    """A guardian's signature; the advance happens when the family's rule is satisfied."""
    family = db.session.get_one(Family, track.family_id)
    current = progress(track)
    transition = engine.plan_advance(current, expected_from, override_reason)
    if family.both_guardians_sign and len(family.guardians) > 1:
        others = _other_signatures(track, guardian)
        _event(
            track,
            SIGNATURE,
            guardian,
            from_stage=track.stage,
            to_stage=transition.to_stage.value,
            reason=transition.reason,
            override=transition.override,
            requirements=current.as_record(),
        )
        if not others:
            notify_guardians(
                track.family_id,
                f"{guardian.name} signed off "
                f"{track.child.display_name}'s {track_name(track)}; a second "
                "guardian's signature is needed.",
                skip=guardian,
            )
            _flush_or_conflict()
            return SignOffResult(advanced=False, waiting_for="a second guardian")
    _move(guardian, track, transition, current)
    return SignOffResult(advanced=True)


def step_back(guardian: Guardian, track: Track, expected_from: StageKey, reason: str) -> None:
    transition = engine.plan_step_back(StageKey(track.stage), expected_from, reason)
    _move(guardian, track, transition, progress(track))


def _other_signatures(track: Track, guardian: Guardian) -> list[int]:
    """Guardians other than ``guardian`` who signed since the track entered its stage."""
    return list(
        db.session.scalars(
            sa.select(TrackEvent.guardian_id).where(
                TrackEvent.track_id == track.id,
                TrackEvent.kind == SIGNATURE,
                TrackEvent.from_stage == track.stage,
                TrackEvent.at >= track.stage_entered_at,
                TrackEvent.guardian_id != guardian.id,
            )
        )
    )


def _move(
    guardian: Guardian, track: Track, transition: engine.Transition, current: engine.Progress
) -> None:
    now = clock.now()
    track.stage = transition.to_stage.value
    track.stage_entered_at = now
    track.requested_at = None
    track.request_note = None
    if transition.to_stage is not StageKey.PERMIT:
        # Monitoring belongs to the permit alone: it ends at the licence (or on a step back
        # to instruction); schedules and check-ins stay in the records.
        track.monitoring = None
        track.monitoring_agreed_at = None
        records.end_schedule(track)
    _flush_or_conflict()  # the versioned UPDATE first: a lost race stops here
    _event(
        track,
        transition.kind,
        guardian,
        from_stage=transition.from_stage.value,
        to_stage=transition.to_stage.value,
        reason=transition.reason,
        override=transition.override,
        requirements=current.as_record(),
    )
    verb = "signed off" if transition.kind == engine.ADVANCE else "stepped back"
    audit.record(
        "sign_off" if transition.kind == engine.ADVANCE else "step_back",
        audit.SUCCESS,
        family_id=track.family_id,
        actor=guardian,
        subject=f"track:{track.id} {transition.from_stage}->{transition.to_stage}",
    )
    notify_guardians(
        track.family_id,
        f"{guardian.name} {verb} {track.child.display_name}'s {track_name(track)}: now "
        f"{STAGES[transition.to_stage].title}.",
    )


def _flush_or_conflict() -> None:
    """The optimistic lock: a sign-off that lost a race is refused, not applied twice."""
    try:
        db.session.flush()
    except StaleDataError as error:
        raise engine.Refused(
            "Someone else changed this track just now. Look again.", conflict=True
        ) from error
