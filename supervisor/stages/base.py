"""The vocabulary of stages: keys, requirements, results, and what evaluators read.

Pure domain code: no Flask, no database. The web layer loads a ``TrackSnapshot`` with its
``TrackFacts`` and the engine decides from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
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


class Kind(StrEnum):
    """The kinds of requirement; ``kinds.EVALUATORS`` has an evaluator for each."""

    LESSONS_PASSED = "lessons_passed"
    LESSONS_DISCUSSED = "lessons_discussed"
    CHECKLIST = "checklist"
    WALKTHROUGH_FINISHED = "walkthrough_finished"
    CHECKINS_HELD = "checkins_held"
    OVERDUE_LIMIT = "overdue_limit"


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
class Lessons:
    """A child's lessons: those finished with a passing first-try score, and those a guardian
    ticked as talked through."""

    passed: frozenset[str] = frozenset()
    discussed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Checklist:
    """A track's ticked checklist keys, and the family's own items for the track's stage."""

    ticked: frozenset[str] = frozenset()
    family_items: tuple[tuple[str, str], ...] = ()  # (key, label), oldest first


@dataclass(frozen=True)
class CheckIns:
    """A track's check-ins as the permit's requirements count them."""

    held: tuple[date, ...] = ()  # due dates of held check-ins since the track entered its stage
    family_count: int | None = None  # the family's stricter rules, if it set any
    family_weeks: int | None = None
    overdue: int | None = None  # overdue in the last 30 days; None while no schedule is agreed


@dataclass(frozen=True)
class TrackFacts:
    """What a track's requirements read. Only what its stage's kinds need is loaded; the
    rest keeps these empty defaults, so a track's facts are the same read alone or with others."""

    lessons: Lessons = Lessons()
    checklist: Checklist = Checklist()
    walkthroughs_finished: int = 0
    checkins: CheckIns = CheckIns()


@dataclass(frozen=True)
class TrackSnapshot:
    """What evaluators may know about a track: its stage, times, and facts."""

    stage: StageKey
    entered_at: datetime
    now: datetime
    facts: TrackFacts = TrackFacts()


@dataclass(frozen=True)
class Stage:
    """A stage module's declaration."""

    key: StageKey
    meaning: str
    requirements: tuple[Requirement, ...]
    advances_to: StageKey | None
    steps_back_to: StageKey | None


Evaluator = Callable[[Requirement, TrackSnapshot], Status]
