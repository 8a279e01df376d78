"""What requirement evaluators read, loaded for many tracks at once (a constant number of
queries, whatever the number of tracks).

Each requirement kind that needs data registers a loader here with ``@loader(kind)``; a
loader returns ``{track_id: fact}`` for the tracks it is given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from supervisor import clock
from supervisor.models import ChecklistTick, Track
from supervisor.stages import STAGES
from supervisor.stages.base import StageKey, TrackSnapshot
from supervisor.stages.kinds import EVALUATORS

Loader = Callable[[orm.Session, Sequence[Track]], dict[int, Any]]
LOADERS: dict[str, Loader] = {}
# Kinds whose evaluators need nothing beyond the track itself.
NO_FACTS = {"min_days"}


def loader(kind: str) -> Callable[[Loader], Loader]:
    def register(function: Loader) -> Loader:
        LOADERS[kind] = function
        return function

    return register


def check_complete() -> None:
    """Every requirement kind has a way to be evaluated against the database."""
    missing = set(EVALUATORS) - set(LOADERS) - NO_FACTS
    if missing:
        raise RuntimeError(f"requirement kinds without a fact loader: {sorted(missing)}")


@loader("checklist")
def ticked_items(session: orm.Session, tracks: Sequence[Track]) -> dict[int, Any]:
    ticked: dict[int, set[str]] = defaultdict(set)
    rows = session.execute(
        sa.select(ChecklistTick.track_id, ChecklistTick.item).where(
            ChecklistTick.track_id.in_([t.id for t in tracks])
        )
    )
    for track_id, item in rows:
        ticked[track_id].add(item)
    return {track_id: frozenset(items) for track_id, items in ticked.items()}


def snapshots(session: orm.Session, tracks: Sequence[Track]) -> dict[int, TrackSnapshot]:
    """A snapshot per track, with one query per requirement kind in use."""
    kinds = {r.kind for t in tracks for r in STAGES[StageKey(t.stage)].requirements}
    facts: dict[str, dict[int, Any]] = {
        kind: LOADERS[kind](session, tracks) for kind in sorted(kinds) if kind in LOADERS
    }
    now = clock.now()
    return {
        track.id: TrackSnapshot(
            stage=StageKey(track.stage),
            entered_at=track.stage_entered_at,
            now=now,
            facts={
                kind: by_track[track.id] for kind, by_track in facts.items() if track.id in by_track
            },
        )
        for track in tracks
    }
