"""Requirement kinds: how a requirement of each kind is met, from its params and the
track's facts.

Each evaluator reads the requirement's params and the typed ``TrackFacts`` of the snapshot,
which ``supervisor.tracks.facts`` loads; ``EVALUATORS`` (at the end) names the evaluator of
each ``Kind``. Adding a kind is adding it to ``Kind``, its evaluator here and, if it reads
something new, a field of ``TrackFacts`` and its read in ``supervisor.tracks.facts``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from supervisor.stages.base import (
    N_,
    Checklist,
    Evaluator,
    Kind,
    Nn_,
    Requirement,
    Status,
    TrackSnapshot,
    Words,
)


def evaluate(requirement: Requirement, snapshot: TrackSnapshot) -> Status:
    return EVALUATORS[requirement.kind](requirement, snapshot)


def count_status(have: int, need: int, missing: Words) -> Status:
    """The usual shape: met when ``have`` reaches ``need``."""
    return Status(
        met=have >= need, have=min(have, need), need=need, missing=None if have >= need else missing
    )


def checklist_items(requirement: Requirement, facts: Checklist) -> list[tuple[str, str, bool]]:
    """(key, label, ticked) of every item in ``params["items"]`` and every item the family
    added for the stage: what the checklist asks, as the track page lists it. A built-in
    item's label is a message id, a family's own item its own words."""
    return [
        (key, label, key in facts.ticked)
        for key, label in (*requirement.params["items"], *facts.family_items)
    ]


def checklist(requirement: Requirement, snapshot: TrackSnapshot) -> Status:
    """Every item of the checklist (``checklist_items``) ticked by a guardian."""
    items = checklist_items(requirement, snapshot.facts.checklist)
    left = sum(not ticked for _key, _label, ticked in items)
    return count_status(
        len(items) - left,
        len(items),
        Nn_("%(num)d checklist item to tick", "%(num)d checklist items to tick", left),
    )


def _lessons_in_scope(requirement: Requirement) -> frozenset[str]:
    return frozenset(requirement.params["lessons"])


def lessons_passed(requirement: Requirement, snapshot: TrackSnapshot) -> Status:
    """Every lesson in ``params["lessons"]`` finished with a passing first-try quiz score."""
    needed = _lessons_in_scope(requirement)
    have = len(needed & snapshot.facts.lessons.passed)
    left = len(needed) - have
    return count_status(
        have, len(needed), Nn_("%(num)d lesson to pass", "%(num)d lessons to pass", left)
    )


def lessons_discussed(requirement: Requirement, snapshot: TrackSnapshot) -> Status:
    """Every lesson in ``params["lessons"]`` ticked by a guardian as talked through."""
    needed = _lessons_in_scope(requirement)
    have = len(needed & snapshot.facts.lessons.discussed)
    left = len(needed) - have
    return count_status(
        have,
        len(needed),
        Nn_("%(num)d lesson to talk through", "%(num)d lessons to talk through", left),
    )


def walkthrough_finished(requirement: Requirement, snapshot: TrackSnapshot) -> Status:
    """The platform's privacy walkthrough gone through to the end, ``params["runs"]`` times."""
    need = int(requirement.params.get("runs", 1))
    return count_status(
        snapshot.facts.walkthroughs_finished,
        need,
        Words.of(N_("go through the privacy walkthrough together")),
    )


def checkins_held(requirement: Requirement, snapshot: TrackSnapshot) -> Status:
    """Enough check-ins held, the first at least ``weeks`` ago; a family may ask for more."""
    checkins = snapshot.facts.checkins
    held = checkins.held
    need = max(int(requirement.params["count"]), checkins.family_count or 0)
    weeks = max(int(requirement.params["weeks"]), checkins.family_weeks or 0)
    span = (snapshot.now.date() - min(held)).days if held else 0
    if len(held) < need:
        left = need - len(held)
        return Status(
            False, len(held), need, Nn_("%(num)d more check-in", "%(num)d more check-ins", left)
        )
    if span < weeks * 7:  # enough held, but not yet over long enough: say both, truly
        return Status(
            False,
            need,
            need,
            Nn_(
                "%(held)s of %(need)s held; the first was %(ago)s, and they must span "
                "%(weeks)s weeks: %(num)d more day",
                "%(held)s of %(need)s held; the first was %(ago)s, and they must span "
                "%(weeks)s weeks: %(num)d more days",
                weeks * 7 - span,
                held=len(held),
                need=need,
                ago=_ago(span),
                weeks=weeks,
            ),
        )
    return Status(True, need, need)


def _ago(days: int) -> Words:
    """``6 weeks ago`` when whole weeks, else ``45 days ago`` (``today`` for none)."""
    if days == 0:
        return Words.of(N_("today"))
    if days % 7 == 0:
        return Nn_("%(num)d week ago", "%(num)d weeks ago", days // 7)
    return Nn_("%(num)d day ago", "%(num)d days ago", days)


def overdue_limit(requirement: Requirement, snapshot: TrackSnapshot) -> Status:
    """At most ``max`` overdue check-ins in the last 30 days, once a schedule is agreed."""
    late = snapshot.facts.checkins.overdue
    if late is None:
        return Status(False, 0, 1, Words.of(N_("agree a check-in schedule together")))
    allowed = int(requirement.params["max"])
    if late > allowed:
        return Status(
            False,
            0,
            1,
            Nn_(
                "%(num)d check-in was missed in the last month",
                "%(num)d check-ins were missed in the last month",
                late,
            ),
        )
    return Status(True, 1, 1)


EVALUATORS: Mapping[str, Evaluator] = MappingProxyType(
    {
        Kind.LESSONS_PASSED: lessons_passed,
        Kind.LESSONS_DISCUSSED: lessons_discussed,
        Kind.CHECKLIST: checklist,
        Kind.WALKTHROUGH_FINISHED: walkthrough_finished,
        Kind.CHECKINS_HELD: checkins_held,
        Kind.OVERDUE_LIMIT: overdue_limit,
    }
)
