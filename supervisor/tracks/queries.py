"""Reading tracks for pages: a track with its history, a child's tracks with their progress."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from supervisor.extensions import db
from supervisor.models import Track, TrackEvent
from supervisor.permit.records import ScheduleState
from supervisor.stages import STAGES, engine
from supervisor.stages.base import StageKey
from supervisor.tracks import facts


@dataclass(frozen=True)
class TrackView:
    """Everything a track page shows."""

    track: Track
    progress: engine.Progress
    history: list[TrackEvent]
    checklist: list[tuple[str, str, bool]]  # key, label, ticked


def history(track_id: int) -> list[TrackEvent]:
    return list(
        db.session.scalars(
            sa.select(TrackEvent)
            .options(joinedload(TrackEvent.guardian))
            .where(TrackEvent.track_id == track_id)
            .order_by(TrackEvent.at.desc(), TrackEvent.id.desc())
        )
    )


def track_view(track: Track) -> TrackView:
    snapshot = facts.snapshots(db.session, [track])[track.id]
    ticked, family_items = snapshot.facts.get("checklist", (frozenset(), ()))
    items = [
        (key, label, key in ticked)
        for requirement in STAGES[StageKey(track.stage)].requirements
        if requirement.kind == "checklist"
        for key, label in (*requirement.params["items"], *family_items)
    ]
    return TrackView(track, engine.progress(snapshot), history(track.id), items)


def progress_by_track(
    tracks: list[Track], schedules: Mapping[int, ScheduleState] | None = None
) -> dict[int, engine.Progress]:
    """Progress of many tracks with a constant number of queries (fewer when the page has
    worked out their schedules already)."""
    return {
        track_id: engine.progress(snapshot)
        for track_id, snapshot in facts.snapshots(db.session, tracks, schedules).items()
    }
