"""Requirement kinds: one evaluator per kind, registered by name.

Adding a kind is adding a function here (or in any imported module) with ``@evaluator``
and, on the database side, its fact loader in ``supervisor.tracks.facts``; nothing else
changes. Each evaluator reads only ``snapshot.facts[kind]`` and the requirement's params.
"""

from __future__ import annotations

from collections.abc import Callable

from supervisor.stages.base import Evaluator, Requirement, Status, TrackSnapshot

EVALUATORS: dict[str, Evaluator] = {}


def evaluator(kind: str) -> Callable[[Evaluator], Evaluator]:
    """Register ``function`` as the evaluator of requirements of ``kind``."""

    def register(function: Evaluator) -> Evaluator:
        if kind in EVALUATORS:
            raise ValueError(f"requirement kind {kind!r} has two evaluators")
        EVALUATORS[kind] = function
        return function

    return register


def evaluate(requirement: Requirement, snapshot: TrackSnapshot) -> Status:
    return EVALUATORS[requirement.kind](requirement, snapshot)


def count_status(have: int, need: int, missing: str) -> Status:
    """The usual shape: met when ``have`` reaches ``need``."""
    return Status(
        met=have >= need, have=min(have, need), need=need, missing=None if have >= need else missing
    )


@evaluator("min_days")
def min_days(requirement: Requirement, snapshot: TrackSnapshot) -> Status:
    """At least ``params["days"]`` whole days in the current stage."""
    need = int(requirement.params["days"])
    have = (snapshot.now - snapshot.entered_at).days
    return count_status(have, need, f"{need - have} more days in this stage")


@evaluator("checklist")
def checklist(requirement: Requirement, snapshot: TrackSnapshot) -> Status:
    """Every item in ``params["items"]`` and every item the family added, ticked by a guardian.

    The fact is ``(ticked keys, family's own (key, label) items for this stage)``.
    """
    ticked, family_items = snapshot.facts.get("checklist", (frozenset(), ()))
    items = [key for key, _label in (*requirement.params["items"], *family_items)]
    left = [key for key in items if key not in ticked]
    return count_status(
        len(items) - len(left),
        len(items),
        f"{len(left)} checklist item{'s' if len(left) != 1 else ''} to tick",
    )


def _lessons_in_scope(requirement: Requirement) -> frozenset[str]:
    return frozenset(requirement.params["lessons"])


@evaluator("lessons_passed")
def lessons_passed(requirement: Requirement, snapshot: TrackSnapshot) -> Status:
    """Every lesson in ``params["lessons"]`` finished with a passing first-try quiz score."""
    needed = _lessons_in_scope(requirement)
    have = len(needed & snapshot.facts.get("lessons_passed", frozenset()))
    left = len(needed) - have
    return count_status(have, len(needed), f"{left} lesson{'s' if left != 1 else ''} to pass")


@evaluator("lessons_discussed")
def lessons_discussed(requirement: Requirement, snapshot: TrackSnapshot) -> Status:
    """Every lesson in ``params["lessons"]`` ticked by a guardian as talked through."""
    needed = _lessons_in_scope(requirement)
    have = len(needed & snapshot.facts.get("lessons_discussed", frozenset()))
    left = len(needed) - have
    return count_status(
        have, len(needed), f"{left} lesson{'s' if left != 1 else ''} to talk through"
    )
