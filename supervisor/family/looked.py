"""Who looked: a guardian's views of a child's pages, counted per day, read back for the child
and the guardians alike, and forgotten after 90 days.

A view is written outside the request's own transaction (a page is a read, and its answer
must not wait on or fail with this write): ``record`` takes a connection of its own and
upserts, so looks on one day are one row with a count of visits, whichever worker wrote first:
a look within ``VISIT`` of the row's last one is the same visit (a reload, a page after a
link), so the count says how often a guardian came, not how many pages loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from supervisor.db import rows_changed
from supervisor.extensions import db
from supervisor.models import Guardian, PageView, Track

KEPT_DAYS = 90
NO_TRACK = 0  # a page of no one track
VISIT = timedelta(minutes=30)  # looks this close to the last one are the same visit


@dataclass(frozen=True)
class Look:
    """One look to count: who, at whose page, which page, on which day of the family's."""

    family_id: int
    guardian_id: int
    child_id: int
    page: str
    track_id: int
    day: date


def record(connection: sa.Connection, look: Look, at: datetime) -> None:
    """Count ``look``: a new row for the day, or on the day's row a later ``last_at`` and, if
    the last look was more than ``VISIT`` ago, one more visit (one statement: no race)."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(PageView).values(
        family_id=look.family_id,
        guardian_id=look.guardian_id,
        child_id=look.child_id,
        page=look.page,
        track_id=look.track_id,
        day=look.day,
        times=1,
        first_at=at,
        last_at=at,
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["guardian_id", "child_id", "page", "track_id", "day"],
            set_={
                "times": PageView.times + sa.case((PageView.last_at < at - VISIT, 1), else_=0),
                "last_at": statement.excluded.last_at,
            },
        )
    )


@dataclass(frozen=True)
class Seen:
    """A day's visits of one guardian to one page of the child's, first and last."""

    guardian: str
    page: str
    track: Track | None
    day: date
    times: int
    first_at: datetime
    last_at: datetime


# Built once, a request binds its child and day (the child's home asks on every visit).
_SINCE = (
    sa.select(PageView, Guardian.name, Track)
    .join(Guardian, Guardian.id == PageView.guardian_id)
    .outerjoin(Track, Track.id == PageView.track_id)
    .where(
        PageView.child_id == sa.bindparam("child"),
        PageView.day >= sa.bindparam("first_day", type_=PageView.day.type),
    )
    # a track removed as started by mistake is gone from the child's pages, looks included
    .where(sa.or_(PageView.track_id == NO_TRACK, Track.removed_at.is_(None)))
    .order_by(PageView.day.desc(), PageView.last_at.desc())
)


def since(child_id: int, first_day: date) -> list[Seen]:
    """The child's pages looked at from ``first_day`` on, latest first: one query, however
    many looks (guardians who left since are still named; a removed track's looks are not)."""
    rows = db.session.execute(_SINCE, {"child": child_id, "first_day": first_day}).all()
    return [
        Seen(name, view.page, track, view.day, view.times, view.first_at, view.last_at)
        for view, name, track in rows
    ]


def prune(today: date) -> int:
    """Forget the looks of days more than ``KEPT_DAYS`` before ``today``."""
    old = sa.delete(PageView).where(PageView.day < today - timedelta(days=KEPT_DAYS))
    return rows_changed(db.session.execute(old))
