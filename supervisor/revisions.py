"""A family's revision moves on with every write to the family's rows, in the transaction that
writes them: a page kept from those rows (``web.kept_pages``) is current exactly while the
family's revision is still the one it was made from, on every worker and machine alike.

A revision is a new random number each time, not a count: a count comes back to a number it
had (a database restored from a backup, a family deleted and its id given again) with other
rows behind it, and a page kept at that number would be served for them.

Both ways the app writes through its session are caught: the unit of work's flush (each
object's family is on it) and a bulk ``UPDATE``/``DELETE``/``INSERT`` statement (its families
are read with the statement's own ``WHERE`` just before it runs, or from its values).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from itertools import chain
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from supervisor.db import metadata
from supervisor.models import Family

# Rows no kept page shows, written often (a sign-in, an unlock, a mail sent, a look counted):
# moving the revision on for them would throw kept pages away for nothing. A table not named
# here is shown, and must say its family: ``family_id`` (or be the family itself).
UNSHOWN = frozenset(
    {
        "audit_event",
        "device",
        "job_run",
        "login_session",
        "login_throttle",
        "one_time_link",
        "outbox_message",
        "page_view",
        "pin_attempts",
        "sent_reminder",
        "signup_throttle",
    }
)
FAMILY = metadata.tables[Family.__tablename__]


class UnknownFamily(LookupError):
    """A write to shown rows whose family cannot be told: nothing kept may outlive it."""


def family_column(table: sa.Table) -> sa.Column[Any]:
    """The column that says whose a row of ``table`` is."""
    if table.name == FAMILY.name:
        column_id: sa.Column[Any] = table.c.id
        return column_id
    if "family_id" not in table.c:
        raise UnknownFamily(f"{table.name!r} is shown but has no family_id")
    column: sa.Column[Any] = table.c.family_id
    return column


def move_on(connection: sa.Connection, families: Iterable[int | None]) -> None:
    """One ``UPDATE`` for all the families written to, in the writing transaction."""
    ids = sorted({family for family in families if family is not None})
    if ids:
        new = secrets.randbits(62)  # fits a signed 64-bit column on every database
        connection.execute(sa.update(FAMILY).where(FAMILY.c.id.in_(ids)).values(revision=new))


def _flushed(session: orm.Session, _context: orm.UOWTransaction) -> None:
    """After a flush (the lists still hold what it wrote): each written object's family."""
    families = []
    for row in chain(session.new, session.dirty, session.deleted):
        table = row.__table__
        if table.name not in UNSHOWN:
            families.append(getattr(row, family_column(table).key))
    move_on(session.connection(), families)


def _executing(state: orm.ORMExecuteState) -> None:
    """Before a bulk statement: the families of the rows it will change."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    statement: Any = state.statement
    table = statement.table
    if table.name in UNSHOWN:
        return
    column = family_column(table)
    if state.is_insert:
        rows = state.parameters if isinstance(state.parameters, list) else [state.parameters]
        given = [statement.compile().params, *(row or {} for row in rows)]
        families = [values[column.key] for values in given if values.get(column.key)]
        if not families:
            raise UnknownFamily(f"an INSERT into {table.name!r} without its family_id")
    else:
        chosen = sa.select(column).distinct()
        if statement.whereclause is not None:
            chosen = chosen.where(statement.whereclause)
        families = list(state.session.connection().scalars(chosen))
    move_on(state.session.connection(), families)


def watch(sessions: orm.sessionmaker[orm.Session]) -> None:
    """Every session ``sessions`` makes moves its families' revisions on as it writes."""
    sa.event.listen(sessions, "after_flush", _flushed)
    sa.event.listen(sessions, "do_orm_execute", _executing)
