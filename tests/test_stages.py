"""The stage engine as pure functions: registry, requirement kinds, transitions, replay."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from supervisor.stages import STAGES, StageDeclarationError, instruction, licence, permit, validate
from supervisor.stages.base import (
    CheckIns,
    Checklist,
    Kind,
    Lessons,
    Requirement,
    StageKey,
    TrackFacts,
    TrackSnapshot,
)
from supervisor.stages.engine import (
    Refused,
    check_request,
    plan_advance,
    plan_step_back,
    progress,
    replay,
)
from supervisor.stages.events import EventKind
from supervisor.stages.kinds import EVALUATORS, evaluate

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DECLARED = {"instruction": instruction.STAGE, "permit": permit.STAGE, "licence": licence.STAGE}


def snapshot(stage=StageKey.INSTRUCTION, days=0, **facts):
    return TrackSnapshot(stage, NOW - timedelta(days=days), NOW, TrackFacts(**facts))


def all_done(stage: StageKey = StageKey.INSTRUCTION) -> dict[str, object]:
    """Facts under which every requirement of ``stage`` (except time) is met."""
    requirements = STAGES[stage].requirements
    ticked = frozenset(
        k for r in requirements if r.kind == "checklist" for k, _ in r.params["items"]
    )
    lessons = frozenset(
        k for r in requirements if r.kind.startswith("lessons") for k in r.params["lessons"]
    )
    return {"checklist": Checklist(ticked), "lessons": Lessons(lessons, lessons)}


# --- registry ------------------------------------------------------------------------------


def test_shipped_stages_are_valid_and_ordered():
    assert list(STAGES) == [StageKey.INSTRUCTION, StageKey.PERMIT, StageKey.LICENCE]
    assert STAGES[StageKey.INSTRUCTION].advances_to is StageKey.PERMIT
    assert STAGES[StageKey.LICENCE].steps_back_to is StageKey.PERMIT


@pytest.mark.parametrize(
    ("module", "change", "message"),
    [
        ("permit", {"advances_to": None, "requirements": ()}, "exactly one start and one end"),
        ("instruction", {"advances_to": StageKey.LICENCE}, "skips a stage"),
        ("licence", {"steps_back_to": StageKey.INSTRUCTION}, "skips a stage"),
        ("permit", {"requirements": (Requirement("x", "no_such_kind", "X"),)}, "unknown kind"),
        (
            "permit",
            {
                "requirements": (
                    Requirement("x", "walkthrough_finished", "A", {"runs": 1}),
                    Requirement("x", "walkthrough_finished", "B", {"runs": 2}),
                )
            },
            "share a key",
        ),
        (
            "licence",
            {"requirements": (Requirement("x", "walkthrough_finished", "A", {"runs": 1}),)},
            "last stage has requirements",
        ),
    ],
)
def test_bad_declaration_fails_loudly_naming_the_module(module, change, message):
    declared = dict(DECLARED)
    declared[module] = replace(declared[module], **change)
    with pytest.raises(StageDeclarationError, match=message) as raised:
        validate(declared)
    if "exactly one" not in message:
        assert f"stage module {module!r}" in str(raised.value)


def test_a_missing_or_doubled_stage_is_refused():
    with pytest.raises(StageDeclarationError, match="no stage module declares permit"):
        validate({"instruction": instruction.STAGE, "licence": licence.STAGE})
    with pytest.raises(StageDeclarationError, match="second declaration"):
        validate({**DECLARED, "copy": instruction.STAGE})
    with pytest.raises(StageDeclarationError, match="not a Stage"):
        validate({**DECLARED, "permit": "permit"})


def test_every_kind_has_an_evaluator():
    assert set(EVALUATORS) == set(Kind)


# --- requirement kinds ---------------------------------------------------------------------


def test_walkthrough_finished():
    requirement = Requirement("w", "walkthrough_finished", "Walkthrough", {"runs": 1})
    assert (
        str(evaluate(requirement, snapshot()).missing)
        == "go through the privacy walkthrough together"
    )
    assert evaluate(requirement, snapshot(walkthroughs_finished=2)).met


def test_checkins_held_counts_and_span_and_family_rules():
    requirement = Requirement("c", "checkins_held", "Check-ins", {"count": 6, "weeks": 8})
    today = NOW.date()
    weekly = tuple(today - timedelta(weeks=w) for w in range(6))  # spans 5 weeks
    few = evaluate(requirement, snapshot(checkins=CheckIns(weekly[:4])))
    assert (few.met, few.have, few.need, str(few.missing)) == (False, 4, 6, "2 more check-ins")
    short = evaluate(requirement, snapshot(checkins=CheckIns(weekly)))
    assert (short.met, short.have, short.need) == (False, 6, 6)
    assert str(short.missing) == (
        "6 of 6 held; the first was 5 weeks ago, and they must span 8 weeks: 21 more days"
    )
    spread = tuple(today - timedelta(weeks=w) for w in (0, 1, 2, 4, 6, 8))
    assert evaluate(requirement, snapshot(checkins=CheckIns(spread))).met
    stricter = evaluate(requirement, snapshot(checkins=CheckIns(spread, family_count=8)))
    assert (stricter.met, str(stricter.missing)) == (False, "2 more check-ins")
    assert not evaluate(requirement, snapshot(checkins=CheckIns(spread, family_weeks=10))).met
    assert not evaluate(requirement, snapshot()).met


def test_overdue_limit():
    requirement = Requirement("o", "overdue_limit", "On time", {"max": 1})
    assert str(evaluate(requirement, snapshot()).missing) == "agree a check-in schedule together"
    assert evaluate(requirement, snapshot(checkins=CheckIns(overdue=0))).met
    assert evaluate(requirement, snapshot(checkins=CheckIns(overdue=1))).met
    late = evaluate(requirement, snapshot(checkins=CheckIns(overdue=3)))
    assert not late.met and str(late.missing) == "3 check-ins were missed in the last month"


def test_checklist_counts_family_items_too():
    requirement = Requirement("c", "checklist", "Ticked", {"items": (("a", "A"), ("b", "B"))})
    assert str(evaluate(requirement, snapshot()).missing) == "2 checklist items to tick"
    half = evaluate(requirement, snapshot(checklist=Checklist(frozenset({"a"}))))
    assert (half.met, half.have, half.need) == (False, 1, 2)
    assert str(half.missing) == "1 checklist item to tick"
    assert evaluate(requirement, snapshot(checklist=Checklist(frozenset({"a", "b"})))).met
    own = (("family-1", "We agreed on a bedtime for the phone"),)
    assert not evaluate(requirement, snapshot(checklist=Checklist(frozenset({"a", "b"}), own))).met
    ticked = frozenset({"a", "b", "family-1"})
    assert evaluate(requirement, snapshot(checklist=Checklist(ticked, own))).met


def test_lessons_passed_and_discussed():
    passed = Requirement("l", "lessons_passed", "Lessons", {"lessons": ("x", "y", "z")})
    status = evaluate(passed, snapshot(lessons=Lessons(passed=frozenset({"x", "other"}))))
    assert (status.met, status.have, status.need, str(status.missing)) == (
        False,
        1,
        3,
        "2 lessons to pass",
    )
    assert evaluate(passed, snapshot(lessons=Lessons(passed=frozenset({"x", "y", "z"})))).met
    talked = Requirement("d", "lessons_discussed", "Talked", {"lessons": ("x", "y")})
    assert str(evaluate(talked, snapshot(lessons=Lessons(discussed=frozenset({"y"})))).missing) == (
        "1 lesson to talk through"
    )
    assert evaluate(talked, snapshot(lessons=Lessons(discussed=frozenset({"x", "y"})))).met


# --- transitions ---------------------------------------------------------------------------


def test_advance_needs_every_requirement_or_a_reason():
    not_ready = progress(snapshot())
    with pytest.raises(Refused, match="Not everything is done yet") as refused:
        plan_advance(not_ready, StageKey.INSTRUCTION)
    assert not refused.value.conflict
    override = plan_advance(not_ready, StageKey.INSTRUCTION, "  We did it all on paper.  ")
    assert (override.kind, override.to_stage, override.override, override.reason) == (
        EventKind.ADVANCE,
        StageKey.PERMIT,
        True,
        "We did it all on paper.",
    )
    ready = progress(snapshot(**all_done()))
    plain = plan_advance(ready, StageKey.INSTRUCTION)
    assert plain.override is False and plain.reason is None


def test_stale_or_final_advance_is_a_conflict():
    ready = progress(snapshot(**all_done()))
    with pytest.raises(Refused) as stale:
        plan_advance(ready, StageKey.PERMIT)
    assert stale.value.conflict
    with pytest.raises(Refused) as final:
        plan_advance(progress(snapshot(StageKey.LICENCE)), StageKey.LICENCE, "why not")
    assert final.value.conflict


def test_step_back_needs_a_reason_and_somewhere_to_go():
    with pytest.raises(Refused, match="reason"):
        plan_step_back(StageKey.PERMIT, StageKey.PERMIT, "   ")
    back = plan_step_back(StageKey.LICENCE, StageKey.LICENCE, "Posted our address.")
    assert (back.kind, back.to_stage, back.reason) == (
        EventKind.STEP_BACK,
        StageKey.PERMIT,
        "Posted our address.",
    )
    with pytest.raises(Refused) as first:
        plan_step_back(StageKey.INSTRUCTION, StageKey.INSTRUCTION, "x")
    assert first.value.conflict
    with pytest.raises(Refused) as stale:
        plan_step_back(StageKey.PERMIT, StageKey.LICENCE, "x")
    assert stale.value.conflict


def test_request_only_when_ready_and_once():
    ready = progress(snapshot(**all_done()))
    check_request(ready, already_pending=False)
    with pytest.raises(Refused, match="already asked"):
        check_request(ready, already_pending=True)
    with pytest.raises(Refused, match="Not quite yet"):
        check_request(progress(snapshot()), already_pending=False)
    with pytest.raises(Refused, match="licence already"):
        check_request(progress(snapshot(StageKey.LICENCE)), already_pending=False)


def test_replay_follows_history_and_rejects_jumps():
    i, p, lic = StageKey.INSTRUCTION, StageKey.PERMIT, StageKey.LICENCE
    forward, back = EventKind.ADVANCE, EventKind.STEP_BACK
    assert replay([]) is i
    assert replay([(forward, i, p), (forward, p, lic), (back, lic, p)]) is p
    assert replay([(EventKind.MAJORITY, i, lic)]) is lic
    with pytest.raises(ValueError, match="jumps"):
        replay([(forward, i, lic)])
    with pytest.raises(ValueError, match="jumps"):
        replay([(forward, i, p), (forward, i, p)])


def test_stages_are_named_in_one_place():
    """Pages, flashes and notifications name a stage by its label; the value is stored."""
    assert [(key.value, key.label, key.number) for key in StageKey] == [
        ("instruction", "Instruction", 1),
        ("permit", "Learner's permit", 2),
        ("licence", "Licence", 3),
    ]


def test_every_history_kind_is_told_in_a_sentence():
    i, p, lic = StageKey.INSTRUCTION, StageKey.PERMIT, StageKey.LICENCE
    told = {kind: str(kind.sentence("Ada", lic, p, "Ready.", True)) for kind in EventKind}
    assert told == {
        EventKind.CREATED: "Ada started this track at Learner's permit.",
        EventKind.REQUEST: "Ada asked for sign-off: “Ready.”",
        EventKind.DECLINE: "Ada said not yet: “Ready.”",
        EventKind.SIGNATURE: "Ada signed for Learner's permit and waited for a second guardian.",
        EventKind.ADVANCE: "Ada signed off: Licence → Learner's permit. Not everything was "
        "done; the reason given: “Ready.”",
        EventKind.STEP_BACK: "Ada stepped back: Licence → Learner's permit. Reason: “Ready.”",
        EventKind.MAJORITY: "Ready. Supervision ended: Licence → Learner's permit.",
        EventKind.REMOVED: "Ada removed this track, started by mistake: “Ready.”",
    }
    started = str(EventKind.CREATED.sentence("Ada", None, i, None))
    assert started == "Ada started this track at Instruction."
    assert str(EventKind.REQUEST.sentence("Mo", i, p, None)) == "Mo asked for sign-off"
    assert str(EventKind.ADVANCE.sentence("Ada", i, p, None)) == (
        "Ada signed off: Instruction → Learner's permit."
    )
