"""Everything a track page shows about the permit, for the guardian and (the same) the child."""

from __future__ import annotations

from dataclasses import dataclass

from supervisor import clock
from supervisor.lessons.content import LESSONS
from supervisor.models import LearningMoment, Track, WalkthroughRun
from supervisor.permit import records
from supervisor.permit.monitoring import ARRANGEMENTS, HOVERING, Arrangement
from supervisor.permit.walkthroughs import Walkthrough, for_platform
from supervisor.templating import family_zone


@dataclass(frozen=True)
class PermitView:
    arrangement: Arrangement | None
    guide: Walkthrough
    stale: bool
    runs: list[WalkthroughRun]
    schedule: records.ScheduleState
    checkins: list[records.CheckInRecord]
    moments: list[LearningMoment]
    hovering: tuple[str, ...] = HOVERING

    @property
    def lessons(self) -> dict[str, object]:
        return LESSONS  # type: ignore[return-value]

    @property
    def moment_titles(self) -> dict[int, str]:
        """Each learning moment by id, for the check-ins that talked it through."""
        return {m.id: m.what_happened for m in self.moments}

    @property
    def finished_runs(self) -> list[WalkthroughRun]:
        return [run for run in self.runs if run.finished_at is not None]


def permit_view(track: Track) -> PermitView | None:
    """The permit records of ``track``, or ``None`` before the permit."""
    if track.stage == "instruction":
        return None
    guide = for_platform(track.platform)
    zone = family_zone()
    return PermitView(
        arrangement=ARRANGEMENTS.get(track.monitoring or ""),
        guide=guide,
        stale=guide.is_stale(clock.now()),
        runs=records.runs(track),
        schedule=records.schedule_state(track, zone),
        checkins=records.checkins(track, zone),
        moments=records.moments(track),
    )
