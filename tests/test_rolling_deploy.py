"""Rolling deploys: the previous release's code keeps serving on the schema the new release
migrated to (README, "Rolling deploys").

Every migration after ``CHECKED_AFTER`` is run one at a time on a real database, and what it
did is read back: the schema as SQLAlchemy reflects it before and after, and every INSERT,
UPDATE or DELETE it sent. A migration passes when it only adds what the previous release does
not know: new tables, new indexes, new columns that are nullable or have a server default
(with foreign keys and checks on those new columns only), and writes no rows. Anything else
is a contract step and must be listed in ``CONTRACT`` with the reason it is safe, or why the
release that ships it cannot be rolled out beside the previous one; a backfill of new columns
is listed in ``BACKFILL``. Reading the effect, not the migration's source, also catches raw
SQL and SQLite's batch copies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from supervisor import db as database
from supervisor.models import Family, Guardian
from tests.test_database import alembic_config, alembic_engine

__all__ = ["alembic_config", "alembic_engine"]  # the fixtures, shared with test_database.py

# Migrations up to this one were written before the rule; every later one is held to it.
CHECKED_AFTER = "0012_stage_enums"

# Steps the previous release cannot serve beside, or can only with care: why each is allowed.
CONTRACT = {
    "0017_avatar_names": (
        "rewrites child.avatar from emoji to picture names, which the release before it does "
        "not know: stop the previous release before migrating (not a rolling deploy)"
    ),
    "0019_notice_messages": (
        "lets notification.text be NULL for notices kept as messages, which the release "
        "before it reads as text: stop the previous release before migrating"
    ),
}
# Data written by a migration into columns it adds, which the previous release never reads.
BACKFILL = {
    "0016_who_chose": "fills the new monitoring_chosen_by_id and proposed_by_id columns",
}

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
BOOKKEEPING = ("alembic_version", "_alembic_tmp_")  # Alembic's own rows, SQLite's table copies


@dataclass(frozen=True)
class Table:
    columns: dict[str, tuple[str, bool, str | None]]  # type, nullable, server default
    primary_key: tuple[str, ...]
    unique: frozenset[tuple[str, ...]]  # unique constraints and unique indexes
    foreign_keys: frozenset[tuple[str, ...]]
    checks: frozenset[str]


def snapshot(engine: sa.Engine) -> dict[str, Table]:
    """The schema as SQLAlchemy reflects it, table by table."""
    inspector = sa.inspect(engine)
    tables = {}
    for name in inspector.get_table_names():
        if name == "alembic_version":
            continue
        columns = {
            c["name"]: (str(c["type"]), bool(c["nullable"]), c.get("default"))
            for c in inspector.get_columns(name)
        }
        unique = {tuple(u["column_names"]) for u in inspector.get_unique_constraints(name)}
        unique |= {tuple(i["column_names"]) for i in inspector.get_indexes(name) if i["unique"]}
        tables[name] = Table(
            columns=columns,
            primary_key=tuple(inspector.get_pk_constraint(name)["constrained_columns"]),
            unique=frozenset(unique),
            foreign_keys=frozenset(
                tuple(f["constrained_columns"]) for f in inspector.get_foreign_keys(name)
            ),
            checks=frozenset(c["sqltext"] for c in inspector.get_check_constraints(name)),
        )
    return tables


def not_additive(before: dict[str, Table], after: dict[str, Table]) -> list[str]:
    """What a migration did that the previous release's code could trip on."""
    found = [f"drops table {name}" for name in before.keys() - after.keys()]
    for name in before.keys() & after.keys():
        old, new = before[name], after[name]
        added = new.columns.keys() - old.columns.keys()
        found += [f"drops {name}.{column}" for column in old.columns.keys() - new.columns.keys()]
        for column in old.columns.keys() & new.columns.keys():
            if old.columns[column] != new.columns[column]:
                found.append(
                    f"changes {name}.{column}: {old.columns[column]} to {new.columns[column]}"
                )
        for column in sorted(added):
            _type, nullable, default = new.columns[column]
            if not nullable and default is None:
                found.append(f"adds {name}.{column} NOT NULL without a server default")
        if old.primary_key != new.primary_key:
            found.append(f"changes the primary key of {name}")
        for columns in new.unique - old.unique:
            found.append(f"makes {name}{columns} unique")
        for columns in new.foreign_keys - old.foreign_keys:
            if not set(columns) <= added:
                found.append(f"adds a foreign key on {name}{columns}, which rows had before")
        found += [f"adds the check {check!r} to {name}" for check in new.checks - old.checks]
    return found


def revisions_after(revision: str) -> list[str]:
    """The migrations after ``revision``, oldest first."""
    script = ScriptDirectory.from_config(database.alembic_config())
    return [r.revision for r in script.iterate_revisions("heads", revision)][::-1]


def test_every_migration_after_the_checked_point_only_adds_or_says_why(
    alembic_runner, alembic_engine
):
    checked = revisions_after(CHECKED_AFTER)
    assert checked, "no migration after the checked point"
    assert set(CONTRACT) | set(BACKFILL) <= set(checked), "a listed step that does not exist"
    writes: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if WRITES.match(statement) and not any(word in statement for word in BOOKKEEPING):
            writes.append(" ".join(statement.split())[:80])

    alembic_runner.migrate_up_to(CHECKED_AFTER)
    sa.event.listen(alembic_engine, "before_cursor_execute", record)
    unexplained, listed_but_additive = {}, []
    for revision in checked:
        before = snapshot(alembic_engine)
        writes.clear()
        alembic_runner.migrate_up_to(revision)
        found = not_additive(before, snapshot(alembic_engine))
        if writes and revision not in BACKFILL:
            found += [f"writes rows: {statement}" for statement in writes]
        if revision in CONTRACT:
            if not found:
                listed_but_additive.append(revision)
        elif found:
            unexplained[revision] = found
        if revision in BACKFILL and (not writes or found):
            listed_but_additive.append(revision)  # writes nothing, or does more than fill
    sa.event.remove(alembic_engine, "before_cursor_execute", record)
    assert unexplained == {}, "list contract steps in CONTRACT with the reason"
    assert listed_but_additive == [], "listed as more than it does: take it off the list"


def test_the_check_tells_a_contract_step_from_an_additive_one(alembic_runner, alembic_engine):
    """The history has both: 0012 adds checks to columns rows had; 0018 adds nullable columns."""
    alembic_runner.migrate_up_before("0012_stage_enums")
    before = snapshot(alembic_engine)
    alembic_runner.migrate_up_one()
    assert any(
        problem.startswith("adds the check")
        for problem in not_additive(before, snapshot(alembic_engine))
    )
    alembic_runner.migrate_up_to("0017_avatar_names")
    before = snapshot(alembic_engine)
    alembic_runner.migrate_up_one()
    after = snapshot(alembic_engine)
    assert not_additive(before, after) == []
    assert "language" in after["guardian"].columns.keys() - before["guardian"].columns.keys()
    dropped = {**after, "guardian": before["guardian"]}  # as if 0018 were undone by the next
    assert not_additive(after, dropped) == ["drops guardian.language"]


def test_rows_the_previous_schema_knew_are_accepted_and_read_at_head(
    alembic_runner, alembic_engine
):
    """The previous release's code, as the tables it knew: it inserts rows naming only its own
    columns into the database at head, reads every table it had, and the current models read
    what it wrote (the new columns hold their defaults)."""
    alembic_runner.migrate_up_to(CHECKED_AFTER)
    old = sa.MetaData()
    old.reflect(alembic_engine)
    old.remove(old.tables["alembic_version"])
    alembic_runner.migrate_up_to("heads")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with alembic_engine.begin() as connection:
        family = connection.execute(
            old.tables["family"]
            .insert()
            .values(name="Old", country="GB", timezone="UTC", created_at=now)
        ).inserted_primary_key[0]
        connection.execute(
            old.tables["guardian"]
            .insert()
            .values(
                family_id=family,
                name="Ada",
                email="ada@example.org",
                password_hash="x",
                created_at=now,
            )
        )
        for table in old.sorted_tables:
            connection.execute(sa.select(table).limit(1)).all()
    with sa.orm.Session(alembic_engine) as session:
        guardian = session.scalars(sa.select(Guardian)).one()
        assert (guardian.name, guardian.mail_off, guardian.language) == ("Ada", [], None)
        session.add(Family(name="New", country="GB", timezone="UTC"))
        session.commit()
        assert session.scalars(sa.select(Family.name).order_by(Family.id)).all() == ["Old", "New"]
