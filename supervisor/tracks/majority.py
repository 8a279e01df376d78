"""At 18 a child is an adult: supervision ends on every track, recorded and told to everyone.

Run at each sign-in and profile unlock (never on a GET) and by ``flask supervisor daily``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from supervisor import clock
from supervisor.extensions import db
from supervisor.models import Child, Track, TrackEvent
from supervisor.permit import records
from supervisor.stages.base import StageKey
from supervisor.stages.engine import MAJORITY
from supervisor.tracks.operations import notify_guardians, track_name
from supervisor.tracks.platforms import age_now

ADULT = 18


def end_supervision(family_id: int | None = None) -> int:
    """Move every track of every child now 18 or over to the licence; returns tracks moved."""
    query = (
        sa.select(Track)
        .options(joinedload(Track.child))
        .join(Child, Track.child_id == Child.id)
        .where(Track.stage != StageKey.LICENCE.value)
    )
    if family_id is not None:
        query = query.where(Track.family_id == family_id)
    moved = 0
    for track in db.session.scalars(query):
        child = track.child
        if age_now(child.birth_year, child.birth_month) < ADULT:
            continue
        now = clock.now()
        db.session.add(
            TrackEvent(
                family_id=track.family_id,
                track_id=track.id,
                at=now,
                kind=MAJORITY,
                from_stage=track.stage,
                to_stage=StageKey.LICENCE.value,
                actor="system",
                reason=f"{child.display_name} turned {ADULT}.",
            )
        )
        track.stage = StageKey.LICENCE.value
        track.stage_entered_at = now
        track.requested_at = None
        track.monitoring = None
        records.end_schedule(track)
        notify_guardians(
            track.family_id,
            f"{child.display_name} is {ADULT}: supervision of "
            f"{track_name(track)} has ended, as the law and this app expect.",
        )
        moved += 1
    return moved
