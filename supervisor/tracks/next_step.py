"""The one next step of a track: who must act, and what they do.

A track page and the dashboard lead with it, so a family sees one thing to do per track
instead of every button at once. The step follows the stage's requirements in order (with
the permit's own groundwork, an arrangement and a schedule agreed together, before them);
a sign-off is the next step only when it can succeed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from flask import url_for

from supervisor.content.lessons import LESSONS
from supervisor.local_time import when
from supervisor.models import Track
from supervisor.permit.reads import ScheduleState
from supervisor.stages import engine
from supervisor.stages.base import Kind, StageKey, TrackSnapshot
from supervisor.tracks.age_gate import AgeGate

Who = Literal["guardian", "child", "nobody"]
# What a permit needs before its requirements, in the one order every page follows.
Groundwork = Literal[
    "choose_arrangement", "agree_arrangement", "propose_schedule", "agree_schedule"
]
NUMBERS = {key: number for number, key in enumerate(LESSONS, 1)}


@dataclass(frozen=True)
class NextStep:
    """``label`` is the button (or, without ``url``, the line) the page leads with."""

    who: Who
    label: str
    url: str | None = None
    signs_off: bool = False  # the step is the sign-off form itself
    about_checkins: bool = False  # the step already says what the schedule line would

    @property
    def guardian_acts(self) -> bool:
        return self.who == "guardian"


def can_sign_off(progress: engine.Progress, gate: AgeGate) -> bool:
    """A sign-off would succeed without a reason: everything met and, into the permit, the age."""
    return progress.ready and (progress.stage.advances_to is not StageKey.PERMIT or gate.open)


def age_missing(progress: engine.Progress, gate: AgeGate, child_name: str) -> str | None:
    """The age gate as one more missing item, while it stands between the track and the permit."""
    if progress.stage.advances_to is not StageKey.PERMIT or gate.open:
        return None
    return (
        f"Old enough for {gate.platform.name}: {child_name} is certainly {gate.minimum} "
        f"from {gate.from_month}"
    )


def next_step(
    track: Track,
    snapshot: TrackSnapshot,
    progress: engine.Progress,
    gate: AgeGate,
    schedule: ScheduleState | None,
) -> NextStep | None:
    """What comes next on ``track`` (``None`` at the licence, where nothing is left to do)."""
    if progress.stage.advances_to is None:
        return None
    child = track.child.display_name
    step = _permit_groundwork(track, child, schedule)
    if step:
        return step
    for result in progress.results:
        if not result.status.met:
            step = _for_requirement(track, snapshot, result.requirement.kind, child, schedule)
            if step:
                return step
    if not can_sign_off(progress, gate):
        return NextStep("nobody", f"Wait until {gate.from_month}: {child} is certainly "
                        f"{gate.minimum} then, {gate.platform.name}'s minimum age")  # fmt: skip
    title = progress.stage.advances_to.label
    if track.requested_at:
        return NextStep("guardian", f"Answer {child}'s request: sign off {title}",
                        _show(track, "signoff-heading"), signs_off=True)  # fmt: skip
    return NextStep("guardian", f"Sign off: {title}", _show(track, "signoff-heading"),
                    signs_off=True)  # fmt: skip


def _show(track: Track, anchor: str) -> str:
    return url_for("tracks.show", track_id=track.id, _anchor=anchor)


def _lesson(key: str) -> str:
    return f"lesson {NUMBERS[key]}, “{LESSONS[key].title}”"


def groundwork(track: Track, schedule: ScheduleState | None) -> Groundwork | None:
    """The first days of a permit: how a guardian looks in, then the schedule, both agreed.
    The guardian's pages and the child's read the same answer, so both name the same step."""
    if track.stage is not StageKey.PERMIT:
        return None
    if track.monitoring is None:
        return "choose_arrangement"
    if track.monitoring_child_agreed_at is None:
        return "agree_arrangement"
    if schedule is not None and not schedule.in_force:
        return "agree_schedule" if schedule.proposed else "propose_schedule"
    return None


def _permit_groundwork(track: Track, child: str, schedule: ScheduleState | None) -> NextStep | None:
    step = groundwork(track, schedule)
    if step == "choose_arrangement":
        return NextStep(
            "guardian", "Choose how a guardian looks in",
            url_for("permit.monitoring", track_id=track.id),
        )  # fmt: skip
    if step == "agree_arrangement":
        return NextStep("child", f"Next for {child}, on the tablet: “I agree” to how a "
                        "guardian looks in")  # fmt: skip
    if step == "agree_schedule":
        return NextStep("child", f"Next for {child}, on the tablet: “I agree” to the "
                        "check-in schedule")  # fmt: skip
    if step == "propose_schedule":
        return NextStep(
            "guardian", "Agree a check-in schedule together",
            url_for("permit.checkin_schedule", track_id=track.id),
        )  # fmt: skip
    return None


def _for_requirement(
    track: Track, snapshot: TrackSnapshot, kind: str, child: str, schedule: ScheduleState | None
) -> NextStep | None:
    lessons = url_for("family_lessons.child_lessons", child_id=track.child_id)
    done = snapshot.facts.lessons
    if kind == Kind.LESSONS_PASSED:
        key = next(k for k, lesson in LESSONS.items() if lesson.core and k not in done.passed)
        return NextStep("child", f"Next for {child}, on the tablet: {_lesson(key)}", lessons)
    if kind == Kind.LESSONS_DISCUSSED:
        left = [k for k, lesson in LESSONS.items() if lesson.core and k not in done.discussed]
        key = next((k for k in left if k in done.passed), left[0])
        return NextStep("guardian", f"Talk {_lesson(key)} through with {child}", f"{lessons}#{key}")
    if kind == Kind.CHECKLIST:
        return NextStep("guardian", "Tick the guardian checklist", _show(track, "checklist"))
    if kind == Kind.WALKTHROUGH_FINISHED:
        return NextStep(
            "guardian", "Go through the privacy walkthrough together",
            url_for("permit.walkthrough", track_id=track.id),
        )  # fmt: skip
    if kind in (Kind.CHECKINS_HELD, Kind.OVERDUE_LIMIT) and schedule is not None:
        if schedule.unrecorded:
            return NextStep(
                "guardian", _record_label(schedule),
                url_for("permit.record_checkin", track_id=track.id), about_checkins=True,
            )  # fmt: skip
        if schedule.upcoming:
            moment = schedule.upcoming[0][1]
            return NextStep(
                "nobody", f"Next check-in with {child}: {when(moment)}", about_checkins=True
            )
    return None


def _record_label(schedule: ScheduleState) -> str:
    """Every check-in whose hour has passed unrecorded, late or due (else the day's one)."""
    passed = {day for day, _ in schedule.due}
    days = [d for d in schedule.unrecorded if d in passed or d in schedule.overdue]
    names = [f"{d.day} {d:%B}{_late(d, schedule, passed)}" for d in days or schedule.unrecorded[:1]]
    if len(names) == 1:
        return f"Record the check-in of {names[0]}"
    return f"Record the check-ins of {', '.join(names[:-1])} and {names[-1]}"


def _late(day: date, schedule: ScheduleState, passed: set[date]) -> str:
    if day in schedule.overdue:
        return " (overdue)"
    return " (due, not recorded yet)" if day in passed else ""
