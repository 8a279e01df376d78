"""Reading tracks for pages: a track with its history, a child's tracks with their progress."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from supervisor.extensions import db
from supervisor.models import Guardian, Notification, Track, TrackEvent
from supervisor.permit.reads import ScheduleState
from supervisor.stages import engine
from supervisor.stages.base import StageKey, TrackSnapshot, Words
from supervisor.stages.events import EventKind
from supervisor.tracks import facts, journey
from supervisor.tracks.age_gate import AgeGate, gate
from supervisor.tracks.next_step import NextStep, age_missing, can_sign_off, next_step


@dataclass(frozen=True)
class TrackView:
    """Everything a track page shows."""

    track: Track
    progress: engine.Progress
    history: list[TrackEvent]
    checklist: list[tuple[str, str, bool]]  # key, label, ticked
    snapshot: TrackSnapshot
    timeline: journey.Timeline


def history(track_id: int) -> list[TrackEvent]:
    return list(
        db.session.scalars(
            sa.select(TrackEvent)
            .options(joinedload(TrackEvent.guardian))
            .where(TrackEvent.track_id == track_id)
            .order_by(TrackEvent.at.desc(), TrackEvent.id.desc())
        )
    )


def of_child(child_id: int) -> list[Track]:
    """The child's current tracks (not those removed), oldest first."""
    return list(
        db.session.scalars(
            sa.select(Track)
            .where(Track.child_id == child_id, Track.removed_at.is_(None))
            .order_by(Track.id)
        )
    )


def track_view(track: Track) -> TrackView:
    snapshot = facts.snapshots(db.session, [track])[track.id]
    events = history(track.id)
    return TrackView(
        track,
        engine.progress(snapshot),
        events,
        engine.checklist(snapshot),
        snapshot,
        journey.timeline(events, track.stage),
    )


def progress_by_track(
    tracks: list[Track], schedules: Mapping[int, ScheduleState] | None = None
) -> dict[int, engine.Progress]:
    """Progress of many tracks with a constant number of queries (fewer when the page has
    worked out their schedules already)."""
    return {
        track_id: engine.progress(snapshot)
        for track_id, snapshot in facts.snapshots(db.session, tracks, schedules).items()
    }


@dataclass(frozen=True)
class Overview:
    """A track as the dashboard shows it: progress, the age gate and the one next step."""

    progress: engine.Progress
    gate: AgeGate
    next_step: NextStep | None
    missing: list[str | Words]  # in order, the age first while it stands in the way

    @property
    def can_sign_off(self) -> bool:
        return can_sign_off(self.progress, self.gate)

    @property
    def too_young(self) -> bool:
        """The age stands in the way: one more unmet condition, so counts match ``missing``."""
        return self.progress.stage.advances_to is StageKey.PERMIT and not self.gate.open


def overview(
    tracks: list[Track], schedules: Mapping[int, ScheduleState], language: str
) -> dict[int, Overview]:
    """Every track's overview from one snapshot load (the page has the schedules already),
    its next step in ``language``'s content."""
    by_id = {t.id: t for t in tracks}
    found: dict[int, Overview] = {}
    for track_id, snapshot in facts.snapshots(db.session, tracks, schedules).items():
        track = by_id[track_id]
        progress, age = engine.progress(snapshot), gate(track)
        too_young = age_missing(progress, age, track.child.display_name)
        found[track_id] = Overview(
            progress,
            age,
            next_step(track, snapshot, progress, age, schedules.get(track_id), language),
            [*([too_young] if too_young else []), *progress.missing],
        )
    return found


# Kinds of history whose news reaches the other guardians as a notification (and, from the
# app itself, every guardian): the dashboard shows them under "What's new", not twice.
NOTIFIED = (
    EventKind.SIGNATURE,
    EventKind.REMOVED,
    EventKind.ADVANCE,
    EventKind.STEP_BACK,
    EventKind.MAJORITY,
)


# The latest history's select, built once (a request binds its guardian and family):
# building it and its cache key took longer than running it.
_GUARDIAN: sa.BindParameter[int] = sa.bindparam("guardian")
_UNREAD_SINCE = (
    sa.select(sa.func.min(Notification.created_at))
    .where(Notification.guardian_id == _GUARDIAN, Notification.read_at.is_(None))
    .scalar_subquery()
)
_TOLD = sa.and_(
    TrackEvent.kind.in_(NOTIFIED),
    sa.or_(TrackEvent.guardian_id.is_(None), TrackEvent.guardian_id != _GUARDIAN),
    _UNREAD_SINCE.is_not(None),  # none unread: nothing is shown elsewhere
    TrackEvent.at >= _UNREAD_SINCE,
)
_OPEN_REQUEST = sa.and_(
    TrackEvent.kind == EventKind.REQUEST,
    Track.requested_at.is_not(None),
    TrackEvent.at >= Track.requested_at,
)
LATEST_LIMIT = 8
_LATEST = (
    sa.select(TrackEvent)
    .join(Track, Track.id == TrackEvent.track_id)
    .options(joinedload(TrackEvent.guardian))
    .where(TrackEvent.family_id == sa.bindparam("family"), ~_TOLD, ~_OPEN_REQUEST)
    .order_by(TrackEvent.at.desc(), TrackEvent.id.desc())
    .limit(LATEST_LIMIT)
)


def latest_for(guardian: Guardian) -> list[TrackEvent]:
    """The family's latest track history that no other card on ``guardian``'s dashboard shows:
    not what is still unread among their notifications, and not an open request (it has its
    own card). Once read, a notified sign-off is back in the history here."""
    bound = {"guardian": guardian.id, "family": guardian.family_id}
    return list(db.session.scalars(_LATEST, bound))
