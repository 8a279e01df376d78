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
from flask_babel import gettext as _

from supervisor.content.lessons import LESSONS, lessons_for
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
    return _(
        "Old enough for %(platform)s: %(child)s is certainly %(age)d from %(month)s",
        platform=gate.platform.name, child=child_name, age=gate.minimum, month=gate.from_month,
    )  # fmt: skip


def next_step(
    track: Track,
    snapshot: TrackSnapshot,
    progress: engine.Progress,
    gate: AgeGate,
    schedule: ScheduleState | None,
    language: str,
) -> NextStep | None:
    """What comes next on ``track`` (``None`` at the licence, where nothing is left to do);
    a lesson it names is named in ``language``."""
    if progress.stage.advances_to is None:
        return None
    child = track.child.display_name
    step = _permit_groundwork(track, child, schedule)
    if step:
        return step
    for result in progress.results:
        if not result.status.met:
            step = _for_requirement(
                track, snapshot, result.requirement.kind, child, schedule, language
            )
            if step:
                return step
    if not can_sign_off(progress, gate):
        return NextStep("nobody", _(
            "Wait until %(month)s: %(child)s is certainly %(age)d then, %(platform)s's minimum age",
            month=gate.from_month, child=child, age=gate.minimum, platform=gate.platform.name,
        ))  # fmt: skip
    title = _(progress.stage.advances_to.label)
    if track.requested_at:
        return NextStep("guardian", _("Answer %(child)s's request: sign off %(stage)s",
                                      child=child, stage=title),
                        _show(track, "signoff-heading"), signs_off=True)  # fmt: skip
    return NextStep("guardian", _("Sign off: %(stage)s", stage=title),
                    _show(track, "signoff-heading"), signs_off=True)  # fmt: skip


def _show(track: Track, anchor: str) -> str:
    return url_for("tracks.show", track_id=track.id, _anchor=anchor)


def _lesson(key: str, language: str) -> str:
    title = lessons_for(language)[key].title
    return _("lesson %(number)d, “%(title)s”", number=NUMBERS[key], title=title)


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
            "guardian", _("Choose how a guardian looks in"),
            url_for("permit.monitoring", track_id=track.id),
        )  # fmt: skip
    if step == "agree_arrangement":
        return NextStep("child", _("Next for %(child)s, on the tablet: “I agree” to how a "
                                   "guardian looks in", child=child))  # fmt: skip
    if step == "agree_schedule":
        return NextStep("child", _("Next for %(child)s, on the tablet: “I agree” to the "
                                   "check-in schedule", child=child))  # fmt: skip
    if step == "propose_schedule":
        return NextStep(
            "guardian", _("Agree a check-in schedule together"),
            url_for("permit.checkin_schedule", track_id=track.id),
        )  # fmt: skip
    return None


def _for_requirement(
    track: Track,
    snapshot: TrackSnapshot,
    kind: str,
    child: str,
    schedule: ScheduleState | None,
    language: str,
) -> NextStep | None:
    lessons = url_for("family_lessons.child_lessons", child_id=track.child_id)
    done = snapshot.facts.lessons
    if kind == Kind.LESSONS_PASSED:
        key = next(k for k, lesson in LESSONS.items() if lesson.core and k not in done.passed)
        return NextStep(
            "child",
            _(
                "Next for %(child)s, on the tablet: %(lesson)s",
                child=child,
                lesson=_lesson(key, language),
            ),
            lessons,
        )
    if kind == Kind.LESSONS_DISCUSSED:
        left = [k for k, lesson in LESSONS.items() if lesson.core and k not in done.discussed]
        key = next((k for k in left if k in done.passed), left[0])
        return NextStep(
            "guardian",
            _(
                "Talk %(lesson)s through with %(child)s",
                lesson=_lesson(key, language),
                child=child,
            ),
            f"{lessons}#{key}",
        )
    if kind == Kind.CHECKLIST:
        return NextStep("guardian", _("Tick the guardian checklist"), _show(track, "checklist"))
    if kind == Kind.WALKTHROUGH_FINISHED:
        return NextStep(
            "guardian", _("Go through the privacy walkthrough together"),
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
                "nobody",
                _("Next check-in with %(child)s: %(when)s", child=child, when=when(moment)),
                about_checkins=True,
            )
    return None


def _record_label(schedule: ScheduleState) -> str:
    """Every check-in whose hour has passed unrecorded, late or due (else the day's one)."""
    passed = {day for day, _ in schedule.due}
    days = [d for d in schedule.unrecorded if d in passed or d in schedule.overdue]
    names = [_late(d, schedule, passed) for d in days or schedule.unrecorded[:1]]
    if len(names) == 1:
        return _("Record the check-in of %(day)s", day=names[0])
    return _(
        "Record the check-ins of %(days)s and %(last)s", days=", ".join(names[:-1]), last=names[-1]
    )


def _late(day: date, schedule: ScheduleState, passed: set[date]) -> str:
    """The day, and whether it is overdue or due."""
    named = when(day, "day-month")
    if day in schedule.overdue:
        return _("%(day)s (overdue)", day=named)
    return _("%(day)s (due, not recorded yet)", day=named) if day in passed else named
