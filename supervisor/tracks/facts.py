"""What requirement evaluators read, loaded for many tracks at once (a constant number of
queries, whatever the number of tracks).

Each requirement kind that needs data registers a loader here with ``@loader(kind)``; a
loader returns ``{track_id: fact}`` for the tracks it is given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import orm

from supervisor import clock
from supervisor.lessons import scoring
from supervisor.models import (
    CheckIn,
    ChecklistTick,
    Family,
    FamilyChecklistItem,
    LessonDiscussion,
    LessonProgress,
    Track,
    WalkthroughRun,
)
from supervisor.permit import records
from supervisor.stages import STAGES
from supervisor.stages.base import StageKey, TrackSnapshot
from supervisor.stages.kinds import EVALUATORS

Loader = Callable[[orm.Session, Sequence[Track]], dict[int, Any]]
LOADERS: dict[str, Loader] = {}
OVERDUE_WINDOW = timedelta(days=30)


def loader(kind: str) -> Callable[[Loader], Loader]:
    def register(function: Loader) -> Loader:
        LOADERS[kind] = function
        return function

    return register


def check_complete() -> None:
    """Every requirement kind has a way to be evaluated against the database."""
    missing = set(EVALUATORS) - set(LOADERS)
    if missing:
        raise RuntimeError(f"requirement kinds without a fact loader: {sorted(missing)}")


@loader("checklist")
def ticked_items(session: orm.Session, tracks: Sequence[Track]) -> dict[int, Any]:
    """(ticked item keys, the family's own items for the track's stage) per track."""
    ticked: dict[int, set[str]] = defaultdict(set)
    rows = session.execute(
        sa.select(ChecklistTick.track_id, ChecklistTick.item).where(
            ChecklistTick.track_id.in_([t.id for t in tracks])
        )
    )
    for track_id, item in rows:
        ticked[track_id].add(item)
    own: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
    for item in session.scalars(
        sa.select(FamilyChecklistItem)
        .where(FamilyChecklistItem.family_id.in_({t.family_id for t in tracks}))
        .order_by(FamilyChecklistItem.id)
    ):
        own[item.family_id, item.stage].append((item.key, item.label))
    return {t.id: (frozenset(ticked[t.id]), tuple(own[t.family_id, t.stage])) for t in tracks}


def _by_child(tracks: Sequence[Track], found: dict[int, set[str]]) -> dict[int, Any]:
    return {t.id: frozenset(found.get(t.child_id, ())) for t in tracks}


@loader("lessons_passed")
def passed_lessons(session: orm.Session, tracks: Sequence[Track]) -> dict[int, Any]:
    """Lessons each track's child has finished with a passing first-try score."""
    found: dict[int, set[str]] = defaultdict(set)
    rows = session.execute(
        sa.select(LessonProgress.child_id, LessonProgress.lesson, LessonProgress.best_score).where(
            LessonProgress.child_id.in_({t.child_id for t in tracks})
        )
    )
    for child_id, lesson, best in rows:
        if scoring.passed(lesson, best):
            found[child_id].add(lesson)
    return _by_child(tracks, found)


@loader("lessons_discussed")
def discussed_lessons(session: orm.Session, tracks: Sequence[Track]) -> dict[int, Any]:
    """Lessons a guardian has ticked as talked through with each track's child."""
    found: dict[int, set[str]] = defaultdict(set)
    rows = session.execute(
        sa.select(LessonDiscussion.child_id, LessonDiscussion.lesson).where(
            LessonDiscussion.child_id.in_({t.child_id for t in tracks})
        )
    )
    for child_id, lesson in rows:
        found[child_id].add(lesson)
    return _by_child(tracks, found)


def snapshots(
    session: orm.Session,
    tracks: Sequence[Track],
    schedules: Mapping[int, records.ScheduleState] | None = None,
) -> dict[int, TrackSnapshot]:
    """A snapshot per track, with one query per requirement kind in use. A page that has
    already worked out the tracks' schedules passes them, so they are not worked out twice."""
    kinds = {r.kind for t in tracks for r in STAGES[StageKey(t.stage)].requirements}
    known = {"overdue_limit": overdue_in_window(schedules)} if schedules is not None else {}
    facts: dict[str, dict[int, Any]] = {
        kind: known[kind] if kind in known else LOADERS[kind](session, tracks)
        for kind in sorted(kinds)
        if kind in LOADERS
    }
    now = clock.now()
    return {
        track.id: TrackSnapshot(
            stage=StageKey(track.stage),
            entered_at=track.stage_entered_at,
            now=now,
            facts={
                kind: by_track[track.id] for kind, by_track in facts.items() if track.id in by_track
            },
        )
        for track in tracks
    }


@loader("walkthrough_finished")
def finished_walkthroughs(session: orm.Session, tracks: Sequence[Track]) -> dict[int, Any]:
    rows = session.execute(
        sa.select(WalkthroughRun.track_id, sa.func.count())
        .where(
            WalkthroughRun.track_id.in_([t.id for t in tracks]),
            WalkthroughRun.finished_at.is_not(None),
        )
        .group_by(WalkthroughRun.track_id)
    )
    return dict(rows.all())


@loader("checkins_held")
def held_checkins(session: orm.Session, tracks: Sequence[Track]) -> dict[int, Any]:
    """Due dates of held check-ins since the track entered its stage, with family rules."""
    held: dict[int, list[date]] = defaultdict(list)
    entered = {t.id: t.stage_entered_at.date() for t in tracks}
    for track_id, due_on in session.execute(
        sa.select(CheckIn.track_id, CheckIn.due_on).where(
            CheckIn.track_id.in_(list(entered)), CheckIn.held.is_(True)
        )
    ):
        if due_on >= entered[track_id]:
            held[track_id].append(due_on)
    families = families_of(session, tracks)
    return {
        t.id: (
            tuple(sorted(held[t.id])),
            families[t.family_id].permit_min_checkins,
            families[t.family_id].permit_min_weeks,
        )
        for t in tracks
    }


@loader("overdue_limit")
def overdue_counts(session: orm.Session, tracks: Sequence[Track]) -> dict[int, Any]:
    """Check-ins overdue in the last 30 days, per track with an agreed schedule: the same
    schedule state the pages show, read in each family's time zone."""
    families = families_of(session, tracks)
    by_zone: dict[str, list[Track]] = defaultdict(list)
    for track in tracks:
        by_zone[families[track.family_id].timezone].append(track)
    states: dict[int, records.ScheduleState] = {}
    for zone, group in by_zone.items():
        states.update(records.schedule_states(group, ZoneInfo(zone)))
    return overdue_in_window(states)


def overdue_in_window(states: Mapping[int, records.ScheduleState]) -> dict[int, int]:
    """Per track with a schedule in force, how many check-ins went overdue in the window."""
    since = (clock.now() - OVERDUE_WINDOW).date()
    return {
        track_id: sum(1 for day in state.overdue if day >= since)
        for track_id, state in states.items()
        if state.in_force
    }


def families_of(session: orm.Session, tracks: Sequence[Track]) -> dict[int, Family]:
    """The tracks' families: those the request has loaded already cost no query."""
    ids = {t.family_id for t in tracks}
    mapper = sa.inspect(Family)
    loaded = {i: session.identity_map.get(mapper.identity_key_from_primary_key((i,))) for i in ids}
    found = {i: f for i, f in loaded.items() if isinstance(f, Family)}
    if missing := ids - set(found):
        found |= {f.id: f for f in session.scalars(sa.select(Family).where(Family.id.in_(missing)))}
    return found
