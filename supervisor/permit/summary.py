"""Everything a track page shows about the permit, for the guardian and (the same) the child,
and the whole family agreement as both print it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from flask_babel import gettext as _

from supervisor import clock
from supervisor.content.lessons import Lesson, lessons_for
from supervisor.content.licence_tips import connections_for
from supervisor.content.monitoring import Arrangement, arrangements_for, hovering_for
from supervisor.content.walkthroughs import Walkthrough, for_platform, walkthroughs_for
from supervisor.local_time import family_zone
from supervisor.models import CheckInSchedule, LearningMoment, Track, WalkthroughRun
from supervisor.permit import agreed, reads
from supervisor.permit.weeks import CheckInWeeks, checkin_weeks
from supervisor.stages.base import StageKey


@dataclass(frozen=True)
class PermitView:
    arrangement: Arrangement | None
    guide: Walkthrough
    stale: frozenset[int]  # the steps that may have changed since they were checked
    runs: list[WalkthroughRun]
    schedule: reads.ScheduleState
    checkins: list[reads.CheckInRecord]
    moments: list[LearningMoment]
    weeks: CheckInWeeks  # the check-ins week by week, for the chart
    lessons: dict[str, Lesson]  # in the page's language, for the moments that name one
    hovering: tuple[str, ...]  # the guardians' promises, in the page's language
    # Runs finished before this counted for another period (before the account, or a permit
    # the track stepped back from): at the permit, "finished" means finished in this one.
    since: datetime | None = None

    @property
    def moment_kinds(self) -> dict[str, str]:
        return {key: str(kind) for key, kind in reads.MOMENT_KINDS.items()}

    @cached_property
    def moment_titles(self) -> dict[int, str]:
        """Each learning moment by id, for the check-ins that talked it through."""
        return {m.id: m.what_happened for m in self.moments}

    @property
    def finished_runs(self) -> list[WalkthroughRun]:
        return [
            run
            for run in self.runs
            if run.finished_at is not None and (self.since is None or run.finished_at >= self.since)
        ]


def permit_view(track: Track, language: str) -> PermitView | None:
    """The permit records of ``track``, or ``None`` before the permit; its content (the
    arrangement, lessons, promises) in ``language``."""
    if track.stage is StageKey.INSTRUCTION:
        return None
    guide = for_platform(track.platform, language)
    zone = family_zone()
    at_permit = track.stage is StageKey.PERMIT
    checkins = reads.checkins(track, zone)
    return PermitView(
        arrangement=arrangements_for(language).get(track.monitoring or "") if at_permit else None,
        guide=guide,
        stale=guide.stale_steps(clock.now()),
        runs=reads.runs(track),
        schedule=reads.schedule_state(track, zone),
        checkins=checkins,
        moments=reads.moments(track),
        weeks=checkin_weeks(track, checkins, zone),
        lessons=lessons_for(language),
        hovering=hovering_for(language),
        since=track.stage_entered_at if at_permit else None,
    )


@dataclass(frozen=True)
class StepOutcome:
    setting: str
    outcome: str
    note: str | None


@dataclass(frozen=True)
class AgreementView:
    """The whole agreement: every part the family agreed, with who agreed and when."""

    rules: list[agreed.Rule]
    looking: agreed.Looking | None
    schedule: list[CheckInSchedule]  # in force, or at the licence the plan it ended
    schedule_ended_at: datetime | None
    walkthrough: Walkthrough | None  # of the last finished run
    walkthrough_finished_at: datetime | None
    walkthrough_steps: list[StepOutcome]
    checkins_held: int
    moments_talked: int
    connections: list[str]  # at the licence, in the child's own choice
    permit: PermitView | None


def agreement_view(track: Track, language: str) -> AgreementView:
    """What the printable agreement says for ``track`` now, its content in ``language``."""
    permit = permit_view(track, language)
    connections = connections_for(language)
    at_licence = track.stage is StageKey.LICENCE
    schedule = permit.schedule.in_force if permit and not at_licence else []
    ended = agreed.ended_schedule(track) if at_licence else []
    last_run = permit.finished_runs[-1] if permit and permit.finished_runs else None
    guide = walkthroughs_for(language).get(last_run.walkthrough) if last_run else None
    steps = (
        []
        if guide is None or last_run is None
        else [
            StepOutcome(
                guide.steps[answer.step].setting if answer.step < len(guide.steps) else _("A step"),
                str(reads.OUTCOMES.get(answer.outcome, answer.outcome)),
                answer.note,
            )
            for answer in (last_run.answers if last_run and guide else [])
        ]
    )
    return AgreementView(
        rules=agreed.rules_by_track([track])[track.id],
        looking=agreed.looking(track, language),
        schedule=ended or schedule,
        schedule_ended_at=max((v.ended_at for v in ended if v.ended_at), default=None),
        walkthrough=guide,
        walkthrough_finished_at=last_run.finished_at if last_run else None,
        walkthrough_steps=steps,
        checkins_held=sum(c.counts for c in permit.checkins) if permit else 0,
        moments_talked=sum(1 for m in permit.moments if m.talked_in_id and not m.withdrawn_at)
        if permit
        else 0,
        connections=[connections[key] for key in track.connections if key in connections]
        if at_licence
        else [],
        permit=permit,
    )
