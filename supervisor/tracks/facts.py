"""What requirement evaluators read, loaded for many tracks at once.

``snapshots`` gives every track a ``TrackSnapshot`` whose ``TrackFacts`` hold what its stage's
requirements read: the child's lessons, the checklist, the walkthroughs finished in the current
stage (a select or two each, for all the tracks together) and the check-ins, from the schedules
a page has usually worked out already. A read runs only when some track's stage needs it (a page of
licences reads nothing), so a page costs the same few statements whatever its number of tracks.

Selects are by family, not by track or child: the statement is then the same for every
family, so PostgreSQL runs it as a prepared statement instead of planning it afresh. Rows of
the family's other tracks and children are skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import timedelta
from functools import cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import orm

from supervisor import clock
from supervisor.lessons import scoring
from supervisor.models import (
    ChecklistTick,
    Family,
    FamilyChecklistItem,
    LessonDiscussion,
    LessonProgress,
    Track,
    WalkthroughRun,
)
from supervisor.permit import reads
from supervisor.permit.reads import ScheduleState
from supervisor.stages import STAGES
from supervisor.stages.base import (
    CheckIns,
    Checklist,
    Kind,
    Lessons,
    StageKey,
    TrackFacts,
    TrackSnapshot,
)

OVERDUE_WINDOW = timedelta(days=30)
NOTHING = TrackFacts()  # what a track whose stage reads nothing knows

# The selects, built once: a request only binds its ``families``. Building a select and its
# cache key afresh took longer than running it (the facts of a dashboard: about half the time).
_FAMILIES: sa.BindParameter[list[int]] = sa.bindparam("families", expanding=True)
_PROGRESS = sa.select(
    LessonProgress.child_id, LessonProgress.lesson, LessonProgress.best_score
).where(LessonProgress.family_id.in_(_FAMILIES))
_DISCUSSIONS = sa.select(LessonDiscussion.child_id, LessonDiscussion.lesson).where(
    LessonDiscussion.family_id.in_(_FAMILIES)
)
_TICKS = sa.select(ChecklistTick.track_id, ChecklistTick.item).where(
    ChecklistTick.family_id.in_(_FAMILIES)
)
_OWN_ITEMS = (
    sa.select(
        FamilyChecklistItem.family_id,
        FamilyChecklistItem.stage,
        FamilyChecklistItem.id,
        FamilyChecklistItem.label,
    )
    .where(FamilyChecklistItem.family_id.in_(_FAMILIES), FamilyChecklistItem.removed_at.is_(None))
    .order_by(FamilyChecklistItem.id)
)
# Only runs finished since the track entered its stage count: a run from before the account
# existed, or from an earlier permit period the track stepped back from, was not this one.
_FINISHED_RUNS = (
    sa.select(WalkthroughRun.track_id, sa.func.count())
    .join(Track, Track.id == WalkthroughRun.track_id)
    .where(
        WalkthroughRun.family_id.in_(_FAMILIES),
        WalkthroughRun.finished_at >= Track.stage_entered_at,
    )
    .group_by(WalkthroughRun.track_id)
)


def snapshots(
    session: orm.Session,
    tracks: Sequence[Track],
    schedules: Mapping[int, ScheduleState] | None = None,
) -> dict[int, TrackSnapshot]:
    """A snapshot per track; the schedules are worked out here unless the page passes the
    ones it has already (in the family's zone)."""

    def reading(*kinds: Kind) -> list[Track]:
        """The tracks whose stage has a requirement of one of ``kinds``: each track gets only
        its own stage's facts, the same read alone or with others."""
        return [t for t in tracks if not _kinds_of(t.stage).isdisjoint(kinds)]

    # The discussed lessons' next step names a passed lesson first: both kinds read both.
    lessons = _lessons(session, reading(Kind.LESSONS_PASSED, Kind.LESSONS_DISCUSSED))
    checklists = _checklists(session, reading(Kind.CHECKLIST))
    walkthroughs = _walkthroughs(session, reading(Kind.WALKTHROUGH_FINISHED))
    checkins = _checkins(session, reading(Kind.CHECKINS_HELD, Kind.OVERDUE_LIMIT), schedules)
    now = clock.now()
    return {
        track.id: TrackSnapshot(
            stage=track.stage,
            entered_at=track.stage_entered_at,
            now=now,
            facts=TrackFacts(
                lessons=lessons.get(track.id, NOTHING.lessons),
                checklist=checklists.get(track.id, NOTHING.checklist),
                walkthroughs_finished=walkthroughs.get(track.id, NOTHING.walkthroughs_finished),
                checkins=checkins.get(track.id, NOTHING.checkins),
            ),
        )
        for track in tracks
    }


@cache
def _kinds_of(stage: StageKey) -> frozenset[str]:
    """The requirement kinds a stage needs facts for (fixed when the stages are declared)."""
    return frozenset(r.kind for r in STAGES[stage].requirements)


def _families(tracks: Sequence[Track]) -> dict[str, list[int]]:
    return {"families": sorted({t.family_id for t in tracks})}


def _lessons(session: orm.Session, tracks: Sequence[Track]) -> dict[int, Lessons]:
    """Per track, the lessons its child passed with a first-try score and talked through."""
    if not tracks:
        return {}
    families = _families(tracks)
    passed: dict[int, set[str]] = defaultdict(set)
    for child_id, lesson, best_score in session.execute(_PROGRESS, families):
        if scoring.passed(lesson, best_score):
            passed[child_id].add(lesson)
    discussed: dict[int, set[str]] = defaultdict(set)
    for child_id, lesson in session.execute(_DISCUSSIONS, families):
        discussed[child_id].add(lesson)
    return {
        t.id: Lessons(frozenset(passed[t.child_id]), frozenset(discussed[t.child_id]))
        for t in tracks
    }


def _checklists(session: orm.Session, tracks: Sequence[Track]) -> dict[int, Checklist]:
    """Per track, its ticked keys and the family's own items for its stage."""
    if not tracks:
        return {}
    families = _families(tracks)
    ticked: dict[int, set[str]] = defaultdict(set)
    for track_id, key in session.execute(_TICKS, families):
        ticked[track_id].add(key)
    own: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
    for family_id, stage, item_id, label in session.execute(_OWN_ITEMS, families):
        own[family_id, stage].append((FamilyChecklistItem.key_of(item_id), label))
    return {
        t.id: Checklist(frozenset(ticked[t.id]), tuple(own[t.family_id, t.stage])) for t in tracks
    }


def _walkthroughs(session: orm.Session, tracks: Sequence[Track]) -> dict[int, int]:
    """Per track, how many privacy walkthroughs it finished in its current stage."""
    if not tracks:
        return {}
    finished = {
        track_id: count for track_id, count in session.execute(_FINISHED_RUNS, _families(tracks))
    }
    return {t.id: finished.get(t.id, 0) for t in tracks}


def _checkins(
    session: orm.Session, tracks: Sequence[Track], schedules: Mapping[int, ScheduleState] | None
) -> dict[int, CheckIns]:
    """Per track, its held check-ins since it entered its stage with the family's rules, and,
    with a schedule in force, how many went overdue in the last 30 days: the same schedule
    state the pages show, read in the family's time zone."""
    if not tracks:
        return {}
    families = families_of(session, tracks)
    states = schedules if schedules is not None else _schedule_states(tracks, families)
    since = (clock.now() - OVERDUE_WINDOW).date()

    def of(track: Track, state: ScheduleState, family: Family) -> CheckIns:
        entered = track.stage_entered_at.date()
        return CheckIns(
            held=tuple(sorted(day for day in state.held if day >= entered)),
            family_count=family.permit_min_checkins,
            family_weeks=family.permit_min_weeks,
            overdue=sum(day >= since for day in state.overdue) if state.in_force else None,
        )

    return {t.id: of(t, states[t.id], families[t.family_id]) for t in tracks}


def _schedule_states(
    tracks: Sequence[Track], families: Mapping[int, Family]
) -> dict[int, ScheduleState]:
    """The tracks' schedule states, each read in its family's time zone."""
    by_zone: dict[str, list[Track]] = defaultdict(list)
    for track in tracks:
        by_zone[families[track.family_id].timezone].append(track)
    states: dict[int, ScheduleState] = {}
    for zone, group in by_zone.items():
        states.update(reads.schedule_states(group, ZoneInfo(zone)))
    return states


def families_of(session: orm.Session, tracks: Sequence[Track]) -> dict[int, Family]:
    """The tracks' families: those the request has loaded already cost no query."""
    ids = {t.family_id for t in tracks}
    mapper = sa.inspect(Family)
    loaded = {i: session.identity_map.get(mapper.identity_key_from_primary_key((i,))) for i in ids}
    found = {i: f for i, f in loaded.items() if isinstance(f, Family)}
    if missing := ids - set(found):
        found |= {f.id: f for f in session.scalars(sa.select(Family).where(Family.id.in_(missing)))}
    return found
