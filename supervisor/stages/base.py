"""The vocabulary of stages: keys, requirements, results, and what evaluators read.

Pure domain code: no Flask, no database. The web layer loads a ``TrackSnapshot`` with its
``TrackFacts`` and the engine decides from it.

The stages' words are English message ids, translated where they are shown: a fixed string is
marked with ``N_`` (``make translations`` extracts it), and a sentence with numbers or names
is ``Words``, a message id and its parameters, which the web layer renders in the page's
language (``web.templating.say``). ``str()`` of ``Words`` is the English sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any


def N_(message: str) -> str:
    """Mark ``message`` for translation and return it as it is (the ``gettext_noop`` idiom):
    the extractor knows ``N_``, and the web layer translates the string where it shows it."""
    return message


def Nn_(singular: str, plural: str, count: int, **params: object) -> Words:
    """Words that depend on ``count`` (``ngettext``'s shape, marked for the extractor as
    ``Nn_:1,2``); ``count`` is also the ``num`` placeholder."""
    return Words(singular, plural, count, MappingProxyType(params))


@dataclass(frozen=True)
class Words:
    """A sentence to show, not yet in any language: an English message id (``N_``-marked),
    its plural and count when it has one (``Nn_``), and its parameters. A parameter is
    shown as it is (a name, a number, text already translated), except ``Words`` and stage
    keys, which are shown in the same language, and a list, shown item by item."""

    message: str
    plural: str | None = None
    count: int | None = None
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, message: str, /, **params: object) -> Words:
        """``Words.of(N_("%(left)s of %(need)s"), left=1, need=2)``."""
        return cls(message, params=MappingProxyType(params))

    def __str__(self) -> str:
        """The sentence in English, as the message ids are written."""
        message = self.message
        if self.plural is not None and self.count != 1:
            message = self.plural
        values = {name: english(value) for name, value in self.params.items()}
        if self.count is not None:
            values.setdefault("num", self.count)
        return message % values if values else message


def english(value: object) -> object:
    """A parameter of ``Words`` as its English sentence shows it."""
    if isinstance(value, StageKey):
        return value.label
    if isinstance(value, Words):
        return str(value)
    if isinstance(value, list | tuple):
        return "; ".join(str(english(item)) for item in value)
    return value


class StageKey(StrEnum):
    """A track's stage, in order. The value is what the database stores (and the export and
    the forms say); ``label`` is the one name people read for it, on every page (an English
    message id: pages translate it)."""

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
    StageKey.INSTRUCTION: N_("Instruction"),
    StageKey.PERMIT: N_("Learner's permit"),
    StageKey.LICENCE: N_("Licence"),
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
    """One condition for leaving a stage, declared as data and checked by its kind's evaluator;
    ``label`` is an ``N_``-marked message id."""

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
    missing: Words | None = None


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
    family_items: tuple[tuple[str, str], ...] = ()  # (key, label), oldest first: their own words


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
    meaning: str  # an N_-marked message id
    requirements: tuple[Requirement, ...]
    advances_to: StageKey | None
    steps_back_to: StageKey | None


Evaluator = Callable[[Requirement, TrackSnapshot], Status]
