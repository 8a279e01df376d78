"""The vocabulary of stages: keys, requirements, results, and what evaluators read.

Pure domain code: no Flask, no database. The web layer loads a ``TrackSnapshot`` and the
engine decides from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class StageKey(StrEnum):
    """A track's stage, in order. The value is what the database stores (and the export and
    the forms say); ``label`` is the one name people read for it, on every page."""

    INSTRUCTION = "instruction"
    PERMIT = "permit"
    LICENCE = "licence"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]

    @property
    def number(self) -> int:
        return list(StageKey).index(self) + 1


_STAGE_LABELS = {
    StageKey.INSTRUCTION: "Instruction",
    StageKey.PERMIT: "Learner's permit",
    StageKey.LICENCE: "Licence",
}


@dataclass(frozen=True)
class Requirement:
    """One condition for leaving a stage, declared as data and checked by its kind's evaluator."""

    key: str
    kind: str
    label: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Status:
    """How far a requirement is met: ``have`` of ``need``, and in words what is missing."""

    met: bool
    have: int
    need: int
    missing: str | None = None


@dataclass(frozen=True)
class Result:
    requirement: Requirement
    status: Status


@dataclass(frozen=True)
class TrackSnapshot:
    """What evaluators may know about a track: its stage, times, and facts keyed by kind."""

    stage: StageKey
    entered_at: datetime
    now: datetime
    facts: Mapping[str, Any]


@dataclass(frozen=True)
class Stage:
    """A stage module's declaration."""

    key: StageKey
    meaning: str
    requirements: tuple[Requirement, ...]
    advances_to: StageKey | None
    steps_back_to: StageKey | None


Evaluator = Callable[[Requirement, TrackSnapshot], Status]
