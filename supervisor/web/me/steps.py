"""A track's requirements in the child's own words: which step is the child's, which is done
together, and which is the guardians' job (never listed as if it were the child's).

The stage declarations word requirements for guardians ("Guardian checklist ticked"); the
child's pages read them through here instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from supervisor.permit.reads import ScheduleState
from supervisor.stages import engine
from supervisor.stages.base import Result
from supervisor.tracks.next_step import Groundwork
from supervisor.words import say

YOU, TOGETHER, GUARDIANS = "you", "together", "guardians"
WHOSE = {YOU: _l("Your step"), TOGETHER: _l("Together"), GUARDIANS: _l("Your guardians' step")}


@dataclass(frozen=True)
class ChildStep:
    whose: str  # YOU, TOGETHER or GUARDIANS
    title: str
    met: bool
    have: int
    need: int
    missing: str | None

    @property
    def whose_title(self) -> str:
        return str(WHOSE[self.whose])


def _step(result: Result, schedule: ScheduleState | None) -> ChildStep:
    status, kind = result.status, result.requirement.kind
    left = status.need - status.have

    def make(whose: str, title: str, missing: str | None) -> ChildStep:
        return ChildStep(
            whose, title, status.met, status.have, status.need, None if status.met else missing
        )

    if kind == "lessons_passed":
        return make(
            YOU,
            _("Pass the quiz of every core lesson"),
            ngettext("%(num)d lesson to pass", "%(num)d lessons to pass", left),
        )
    if kind == "lessons_discussed":
        return make(
            TOGETHER,
            _("Talk every core lesson through with your guardians"),
            ngettext(
                "%(num)d lesson to talk through; your guardians tick each one",
                "%(num)d lessons to talk through; your guardians tick each one",
                left,
            ),
        )
    if kind == "checklist":
        return make(
            GUARDIANS,
            _("Your guardians tick their checklist"),
            ngettext(
                "they tick %(num)d item on their checklist",
                "they tick %(num)d items on their checklist",
                left,
            ),
        )
    if kind == "walkthrough_finished":
        return make(
            TOGETHER,
            _("Go through the privacy settings with your guardians"),
            _("not finished yet"),
        )
    if kind == "checkins_held":
        return make(TOGETHER, _("Check-ins with your guardians"), say(status.missing))
    if kind == "overdue_limit":
        in_force = schedule is not None and bool(schedule.in_force)
        if not in_force and schedule is not None and schedule.proposed:
            return make(
                YOU, _("Agree a check-in schedule"), _("say “I agree” to the proposed schedule")
            )
        if not in_force:
            return make(
                GUARDIANS,
                _("Agree a check-in schedule"),
                _("they propose one; then you say “I agree”"),
            )
        return make(TOGETHER, _("Check-ins on time"), say(status.missing))
    return make(TOGETHER, _(result.requirement.label), say(status.missing))


def child_steps(progress: engine.Progress, schedule: ScheduleState | None) -> list[ChildStep]:
    """Every requirement of the track's next stage, worded for the child."""
    return [_step(result, schedule) for result in progress.results]


# The permit's first agreements, in the child's words (the order is ``tracks.next_step``'s).
GROUNDWORK: dict[Groundwork, tuple[str, LazyString, LazyString]] = {
    "choose_arrangement": (
        GUARDIANS,
        _l("Your guardians choose how they look in"),
        _l("they choose; then you say “I agree”"),
    ),
    "agree_arrangement": (
        YOU,
        _l("Agree to how your guardians look in"),
        _l("say “I agree” on your track's page"),
    ),
    "propose_schedule": (
        GUARDIANS,
        _l("Agree a check-in schedule"),
        _l("they propose one; then you say “I agree”"),
    ),
    "agree_schedule": (
        YOU,
        _l("Agree a check-in schedule"),
        _l("say “I agree” to the proposed schedule"),
    ),
}


def next_step(steps: list[ChildStep], first: Groundwork | None = None) -> ChildStep | None:
    """What to do next: the permit's first agreements in the order the guardians' pages name
    them; then the child's own step, then one done together, then the guardians' (so the
    child knows what they are waiting for)."""
    if first is not None:
        whose, title, missing = GROUNDWORK[first]
        return ChildStep(whose, str(title), False, 0, 1, str(missing))
    order = (YOU, TOGETHER, GUARDIANS)
    open_steps = sorted((s for s in steps if not s.met), key=lambda s: order.index(s.whose))
    return open_steps[0] if open_steps else None
