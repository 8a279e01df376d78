"""What requirement evaluators read, loaded for many tracks at once.

Each requirement kind that needs data registers how to load it, in one of two ways:

- ``@loader(kind, *queries)``: each query is a SELECT in the shared row shape of ``shaped``,
  and the decorated fold turns their rows into ``{track_id: fact}``. ``snapshots`` sends the
  queries of every kind in use as one ``UNION ALL``: one round trip for all of them, whatever
  the number of tracks or kinds (on PostgreSQL each statement is a round trip a worker waits on).
  Queries select by family, not by track or child: the statement is then the same for every
  family, so PostgreSQL runs it as a prepared statement instead of planning it afresh (planning
  this ``UNION ALL`` takes longer than running it). Folds ignore rows of other tracks.
- ``@from_schedules(kind)``: the fact follows from the tracks' check-in schedules, which a
  page has usually worked out already to show them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any
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
from supervisor.stages.base import StageKey, TrackSnapshot
from supervisor.stages.kinds import EVALUATORS

OVERDUE_WINDOW = timedelta(days=30)

Row = sa.Row[tuple[int, str | None, str | None, str | None, int | None, int]]  # ..., n, tag
Query = Callable[[Sequence[Track]], sa.Select[Any]]
Fold = Callable[..., dict[int, Any]]  # (tracks, rows of each query in order) -> facts
ScheduleFold = Callable[
    [Sequence[Track], Mapping[int, ScheduleState], Mapping[int, Family]], dict[int, Any]
]


@dataclass(frozen=True)
class Loader:
    queries: tuple[Query, ...]
    fold: Fold


LOADERS: dict[str, Loader] = {}
SCHEDULE_FOLDS: dict[str, ScheduleFold] = {}


def loader(kind: str, *queries: Query) -> Callable[[Fold], Fold]:
    def register(fold: Fold) -> Fold:
        LOADERS[kind] = Loader(queries, fold)
        return fold

    return register


def from_schedules(kind: str) -> Callable[[ScheduleFold], ScheduleFold]:
    def register(fold: ScheduleFold) -> ScheduleFold:
        SCHEDULE_FOLDS[kind] = fold
        return fold

    return register


def check_complete() -> None:
    """Every requirement kind has a way to be evaluated against the database."""
    missing = set(EVALUATORS) - set(LOADERS) - set(SCHEDULE_FOLDS)
    if missing:
        raise RuntimeError(f"requirement kinds without a fact loader: {sorted(missing)}")


def shaped(
    owner: Any, a: Any = None, b: Any = None, c: Any = None, n: Any = None
) -> sa.Select[Any]:
    """A SELECT of (owner id, text a, text b, text c, number n): the one row shape that lets
    every kind's query share a ``UNION ALL``. Unused columns are typed NULLs, as PostgreSQL
    needs to match the branches."""

    def column(value: Any, type_: sa.types.TypeEngine[Any], name: str) -> Any:
        return (sa.cast(sa.null(), type_) if value is None else value).label(name)

    return sa.select(
        owner.label("owner"),
        column(a, sa.String(), "a"),
        column(b, sa.String(), "b"),
        column(c, sa.String(), "c"),
        column(n, sa.Integer(), "n"),
    )


def _family_ids(tracks: Sequence[Track]) -> list[int]:
    return sorted({t.family_id for t in tracks})


def _ticks(tracks: Sequence[Track]) -> sa.Select[Any]:
    return shaped(ChecklistTick.track_id, a=ChecklistTick.item).where(
        ChecklistTick.family_id.in_(_family_ids(tracks))
    )


def _family_items(tracks: Sequence[Track]) -> sa.Select[Any]:
    item = FamilyChecklistItem
    return shaped(item.family_id, b=item.label, c=item.stage, n=item.id).where(
        item.family_id.in_(_family_ids(tracks)), item.removed_at.is_(None)
    )


@loader("checklist", _ticks, _family_items)
def ticked_items(
    tracks: Sequence[Track], ticks: list[Row], family_items: list[Row]
) -> dict[int, Any]:
    """(ticked item keys, the family's own items for the track's stage) per track."""
    ticked: dict[int, set[str]] = defaultdict(set)
    for row in ticks:
        ticked[row.owner].add(row.a)
    own: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
    for row in sorted(family_items, key=lambda r: r.n):
        own[row.owner, row.c].append((FamilyChecklistItem.key_of(row.n), row.b))
    return {t.id: (frozenset(ticked[t.id]), tuple(own[t.family_id, t.stage])) for t in tracks}


def _by_child(tracks: Sequence[Track], found: dict[int, set[str]]) -> dict[int, Any]:
    return {t.id: frozenset(found.get(t.child_id, ())) for t in tracks}


def _progress(tracks: Sequence[Track]) -> sa.Select[Any]:
    progress = LessonProgress
    return shaped(progress.child_id, a=progress.lesson, n=progress.best_score).where(
        progress.family_id.in_(_family_ids(tracks))
    )


@loader("lessons_passed", _progress)
def passed_lessons(tracks: Sequence[Track], rows: list[Row]) -> dict[int, Any]:
    """Lessons each track's child has finished with a passing first-try score."""
    found: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        if scoring.passed(row.a, row.n):
            found[row.owner].add(row.a)
    return _by_child(tracks, found)


def _discussions(tracks: Sequence[Track]) -> sa.Select[Any]:
    return shaped(LessonDiscussion.child_id, a=LessonDiscussion.lesson).where(
        LessonDiscussion.family_id.in_(_family_ids(tracks))
    )


@loader("lessons_discussed", _discussions)
def discussed_lessons(tracks: Sequence[Track], rows: list[Row]) -> dict[int, Any]:
    """Lessons a guardian has ticked as talked through with each track's child."""
    found: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        found[row.owner].add(row.a)
    return _by_child(tracks, found)


def _finished_runs(tracks: Sequence[Track]) -> sa.Select[Any]:
    run = WalkthroughRun
    return (
        shaped(run.track_id, n=sa.func.count())
        .where(run.family_id.in_(_family_ids(tracks)), run.finished_at.is_not(None))
        .group_by(run.track_id)
    )


@loader("walkthrough_finished", _finished_runs)
def finished_walkthroughs(tracks: Sequence[Track], rows: list[Row]) -> dict[int, Any]:
    """How many privacy walkthroughs each track has finished."""
    ids = {t.id for t in tracks}
    return {row.owner: row.n for row in rows if row.owner in ids}


@from_schedules("checkins_held")
def held_checkins(
    tracks: Sequence[Track], states: Mapping[int, ScheduleState], families: Mapping[int, Family]
) -> dict[int, Any]:
    """Due dates of held check-ins since the track entered its stage, with family rules."""
    return {
        t.id: (
            tuple(sorted(d for d in states[t.id].held if d >= t.stage_entered_at.date())),
            families[t.family_id].permit_min_checkins,
            families[t.family_id].permit_min_weeks,
        )
        for t in tracks
    }


@from_schedules("overdue_limit")
def overdue_in_window(
    tracks: Sequence[Track], states: Mapping[int, ScheduleState], families: Mapping[int, Family]
) -> dict[int, Any]:
    """Per track with a schedule in force, how many check-ins went overdue in the last 30
    days: the same schedule state the pages show, read in the family's time zone."""
    since = (clock.now() - OVERDUE_WINDOW).date()
    return {
        t.id: sum(1 for day in states[t.id].overdue if day >= since)
        for t in tracks
        if states[t.id].in_force
    }


def snapshots(
    session: orm.Session,
    tracks: Sequence[Track],
    schedules: Mapping[int, ScheduleState] | None = None,
) -> dict[int, TrackSnapshot]:
    """A snapshot per track: one statement for the kinds with queries, and the schedules
    (worked out here unless the page passes the ones it has already, in the family's zone)."""
    kinds = set().union(*(_kinds_of(t.stage) for t in tracks))
    facts = _queried_facts(session, tracks, sorted(kinds & set(LOADERS)))
    if from_states := sorted(kinds & set(SCHEDULE_FOLDS)):
        families = families_of(session, tracks)
        states = schedules if schedules is not None else _schedule_states(tracks, families)
        facts |= {kind: SCHEDULE_FOLDS[kind](tracks, states, families) for kind in from_states}
    now = clock.now()
    return {
        track.id: TrackSnapshot(
            stage=StageKey(track.stage),
            entered_at=track.stage_entered_at,
            now=now,
            facts={  # only its own stage's kinds: the same snapshot, read alone or with others
                kind: facts[kind][track.id]
                for kind in _kinds_of(track.stage) & facts.keys()
                if track.id in facts[kind]
            },
        )
        for track in tracks
    }


@cache
def _kinds_of(stage: str) -> frozenset[str]:
    """The requirement kinds a stage needs facts for (fixed when the stages are declared)."""
    return frozenset(r.kind for r in STAGES[StageKey(stage)].requirements)


def _queried_facts(
    session: orm.Session, tracks: Sequence[Track], kinds: list[str]
) -> dict[str, dict[int, Any]]:
    """The facts of ``kinds``, from one ``UNION ALL`` of their queries, each branch tagged
    with its position so its rows go back to its fold."""
    branches = [(kind, query(tracks)) for kind in kinds for query in LOADERS[kind].queries]
    if not branches:
        return {}
    rows: list[list[Row]] = [[] for _ in branches]
    tagged = [
        query.add_columns(sa.literal(number, sa.Integer()).label("tag"))
        for number, (_kind, query) in enumerate(branches)
    ]
    for row in session.execute(sa.union_all(*tagged)):
        rows[row.tag].append(row)
    return {
        kind: LOADERS[kind].fold(
            tracks, *(found for (of, _), found in zip(branches, rows, strict=True) if of == kind)
        )
        for kind in kinds
    }


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
