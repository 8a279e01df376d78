"""Decisions about a track's stage: what is missing, and whether a transition may happen.

The engine never writes: it returns ``Transition`` values (or raises ``Refused``) and the
web layer's ``tracks.operations`` records them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from supervisor.stages import FIRST, STAGES
from supervisor.stages.base import N_, Kind, Result, Stage, StageKey, TrackSnapshot, Words
from supervisor.stages.events import EventKind
from supervisor.stages.kinds import checklist_items, evaluate


class Refused(Exception):
    """A transition that may not happen; ``conflict`` means the request was stale or replayed.
    The engine's own reasons are ``Words`` (the page says them in its language); the layers
    above give theirs already translated."""

    def __init__(self, reason: str | Words, *, conflict: bool = False) -> None:
        super().__init__(str(reason))
        self.reason = reason
        self.conflict = conflict


@dataclass(frozen=True)
class Progress:
    """Where a track stands against the requirements for its next stage."""

    stage: Stage
    results: tuple[Result, ...]

    @property
    def met(self) -> int:
        return sum(result.status.met for result in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def ready(self) -> bool:
        return self.stage.advances_to is not None and self.met == self.total

    @property
    def missing(self) -> list[Words]:
        return [
            Words.of(
                N_("%(requirement)s: %(missing)s"),
                requirement=Words.of(r.requirement.label),
                missing=r.status.missing,
            )
            for r in self.results
            if not r.status.met
        ]

    def as_record(self) -> list[dict[str, object]]:
        """The requirements as they stood, for a history row (their labels in English, as
        stored)."""
        return [
            {
                "label": r.requirement.label,
                "met": r.status.met,
                "have": r.status.have,
                "need": r.status.need,
            }
            for r in self.results
        ]


@dataclass(frozen=True)
class Transition:
    kind: EventKind  # ADVANCE, STEP_BACK or MAJORITY
    from_stage: StageKey
    to_stage: StageKey
    override: bool
    reason: str | None


def progress(snapshot: TrackSnapshot) -> Progress:
    stage = STAGES[snapshot.stage]
    return Progress(stage, tuple(Result(r, evaluate(r, snapshot)) for r in stage.requirements))


def checklist(snapshot: TrackSnapshot) -> list[tuple[str, str, bool]]:
    """(key, label, ticked) of every item the stage's checklist requirements ask for."""
    return [
        item
        for requirement in STAGES[snapshot.stage].requirements
        if requirement.kind == Kind.CHECKLIST
        for item in checklist_items(requirement, snapshot.facts.checklist)
    ]


def _check_current(current: StageKey, expected_from: StageKey) -> None:
    if current != expected_from:
        raise Refused(
            Words.of(
                N_("This track is already at %(stage)s; the page you used was out of date."),
                stage=current,
            ),
            conflict=True,
        )


def plan_advance(
    current: Progress, expected_from: StageKey, override_reason: str | None = None
) -> Transition:
    """A sign-off: one stage forward, only when every requirement is met or with a reason."""
    _check_current(current.stage.key, expected_from)
    target = current.stage.advances_to
    if target is None:
        raise Refused(
            Words.of(N_("A licence is the last stage; there is nothing to sign off.")),
            conflict=True,
        )
    reason = (override_reason or "").strip() or None
    if not current.ready and reason is None:
        raise Refused(
            Words.of(N_("Not everything is done yet: %(missing)s."), missing=current.missing)
        )
    return Transition(
        EventKind.ADVANCE, current.stage.key, target, override=not current.ready, reason=reason
    )


def plan_step_back(current: StageKey, expected_from: StageKey, reason: str | None) -> Transition:
    """One stage back, always with a reason the child will read."""
    _check_current(current, expected_from)
    target = STAGES[current].steps_back_to
    if target is None:
        raise Refused(
            Words.of(N_("Instruction is the first stage; there is nowhere to step back to.")),
            conflict=True,
        )
    if not (reason or "").strip():
        raise Refused(Words.of(N_("Write the reason for stepping back; your child will read it.")))
    return Transition(
        EventKind.STEP_BACK, current, target, override=False, reason=(reason or "").strip()
    )


def plan_majority(current: StageKey, reason: str) -> Transition:
    """At 18 a track goes straight to the licence, from any earlier stage, with no sign-off."""
    if current is StageKey.LICENCE:
        raise Refused(Words.of(N_("This track has its licence already.")), conflict=True)
    return Transition(EventKind.MAJORITY, current, StageKey.LICENCE, override=False, reason=reason)


def check_request(current: Progress, already_pending: bool) -> None:
    """A child may ask for sign-off once everything is met, and once at a time."""
    if current.stage.advances_to is None:
        raise Refused(Words.of(N_("You have your licence already.")))
    if already_pending:
        raise Refused(
            Words.of(N_("You've already asked; your guardians will answer soon.")), conflict=True
        )
    if not current.ready:
        raise Refused(Words.of(N_("Not quite yet: %(missing)s."), missing=current.missing))


def replay(transitions: Iterable[tuple[EventKind, StageKey, StageKey]]) -> StageKey:
    """The stage a history of (kind, from, to) transitions leads to, checking each step."""
    stage = FIRST
    for kind, from_stage, to_stage in transitions:
        if kind is EventKind.MAJORITY:
            expected: StageKey | None = StageKey.LICENCE
        elif kind is EventKind.ADVANCE:
            expected = STAGES[stage].advances_to
        else:
            expected = STAGES[stage].steps_back_to
        if from_stage != stage or to_stage != expected:
            raise ValueError(f"history jumps from {stage} via {kind} to {to_stage}")
        stage = to_stage
    return stage
