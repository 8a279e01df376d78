"""A track's stages as a timeline: each stage it was at, from when until when, read from the
history the track page has loaded already (no query of its own)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from supervisor.models import TrackEvent
from supervisor.stages.base import StageKey
from supervisor.stages.events import EventKind

# The history rows that put a track at a stage.
MOVES = frozenset({EventKind.CREATED, EventKind.ADVANCE, EventKind.STEP_BACK, EventKind.MAJORITY})


@dataclass(frozen=True)
class Leg:
    """A stretch of the track at one stage, begun by ``event`` and over at ``until``."""

    stage: StageKey
    event: TrackEvent
    until: datetime | None  # None: the stage the track is at now

    @property
    def since(self) -> datetime:
        return self.event.at


@dataclass(frozen=True)
class Timeline:
    legs: list[Leg]  # oldest first
    ahead: list[StageKey]  # the stages after the current one, not reached yet


def timeline(history: Iterable[TrackEvent], stage: StageKey) -> Timeline:
    """The track's legs, oldest first, from its ``history`` in any order, and the stages
    still ahead of ``stage``, where it is now."""
    moves = sorted(
        ((e.to_stage, e) for e in history if e.kind in MOVES and e.to_stage is not None),
        key=lambda move: (move[1].at, move[1].id),
    )
    legs = [
        Leg(to_stage, event, moves[number + 1][1].at if number + 1 < len(moves) else None)
        for number, (to_stage, event) in enumerate(moves)
    ]
    return Timeline(legs, [s for s in StageKey if s.number > stage.number])
