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


@evaluator("walkthrough_finished")
def walkthrough_finished(requirement: Requirement, snapshot: TrackSnapshot) -> Status:
    """The platform's privacy walkthrough gone through to the end (fact: finished runs)."""
    need = int(requirement.params.get("runs", 1))
    return count_status(
        snapshot.facts.get("walkthrough_finished", 0),
        need,
        "go through the privacy walkthrough together",
    )


@evaluator("checkins_held")
def checkins_held(requirement: Requirement, snapshot: TrackSnapshot) -> Status:
    """Enough check-ins held, the first at least ``weeks`` ago; a family may ask for more.

    Fact: (dates of held check-ins, the family's stricter count or None, stricter weeks or None).
    """
    held, family_count, family_weeks = snapshot.facts.get("checkins_held", ((), None, None))
    need = max(int(requirement.params["count"]), family_count or 0)
    weeks = max(int(requirement.params["weeks"]), family_weeks or 0)
    span = (snapshot.now.date() - min(held)).days if held else 0
    if len(held) < need:
        left = need - len(held)
        return Status(False, len(held), need, f"{left} more check-in{'s' if left != 1 else ''}")
    if span < weeks * 7:  # enough held, but not yet over long enough: say both, truly
        return Status(
            False,
            need,
            need,
            f"{len(held)} of {need} held; the first was {_ago(span)}, and they must span "
            f"{weeks} weeks: {weeks * 7 - span} more day{'s' if weeks * 7 - span != 1 else ''}",
        )
    return Status(True, need, need)


def _ago(days: int) -> str:
    """``6 weeks ago`` when whole weeks, else ``45 days ago`` (``today`` for none)."""
    if days == 0:
        return "today"
    if days % 7 == 0:
        return f"{days // 7} week{'s' if days != 7 else ''} ago"
    return f"{days} day{'s' if days != 1 else ''} ago"


@evaluator("overdue_limit")
def overdue_limit(requirement: Requirement, snapshot: TrackSnapshot) -> Status:
    """At most ``max`` overdue check-ins in the last 30 days (fact: that count, or None while
    no schedule is agreed)."""
    late = snapshot.facts.get("overdue_limit")
    if late is None:
        return Status(False, 0, 1, "agree a check-in schedule together")
    allowed = int(requirement.params["max"])
    if late > allowed:
        return Status(False, 0, 1, f"{late} check-ins were missed in the last month")
    return Status(True, 1, 1)
