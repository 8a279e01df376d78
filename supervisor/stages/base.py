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
    """A track's stage, in order. The value is what the database stores."""

    INSTRUCTION = "instruction"
    PERMIT = "permit"
    LICENCE = "licence"

    @property
    def label(self) -> str:
        """The stage's name in words (not ``title``: that is ``str.title``, which a
        ``StrEnum`` keeps)."""
        return {"instruction": "Instruction", "permit": "Learner's permit", "licence": "Licence"}[
            self.value
        ]

    @property
    def number(self) -> int:
        return list(StageKey).index(self) + 1


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

    @property
    def title(self) -> str:
        return self.key.label


Evaluator = Callable[[Requirement, TrackSnapshot], Status]
