"""Stages and history kinds are stored as enums: migration 0012 keeps every row as it was
(up, down and up again), the database refuses other values, and the ORM hands back members."""

# ruff: noqa: F811 - the tests take the alembic fixtures imported from test_database

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from supervisor.db import metadata
from supervisor.models import FamilyChecklistItem, FamilyPrompt, Track, TrackEvent
from supervisor.stages.base import StageKey
from supervisor.stages.events import EventKind
from tests.test_database import alembic_config, alembic_engine  # noqa: F401 - fixtures

BEFORE = "0011_family_corrections"
ENUMS = "0012_stage_enums"
STAGES = [key.value for key in StageKey]
DAY = "2026-01-01 00:00:00"

# Every kind with stages as the app writes them, and every stage on each side of a move.
EVENTS = [
    (1, "created", None, "instruction"),
    (1, "request", "instruction", "permit"),
    (1, "decline", "instruction", None),
    (1, "signature", "instruction", "permit"),
    (1, "advance", "instruction", "permit"),
    (2, "advance", "permit", "licence"),
    (2, "step_back", "licence", "permit"),
    (3, "majority", "permit", "licence"),
    (4, "removed", "instruction", None),
]
CHECKED = {  # the constraint of each column the enums guard
    "track": {"ck_track_stage"},
    "track_event": {"ck_track_event_kind", "ck_track_event_from_stage", "ck_track_event_to_stage"},
    "family_checklist_item": {"ck_family_checklist_item_stage"},
    "family_prompt": {"ck_family_prompt_stage"},
}


def _fill(engine: sa.Engine) -> None:
    """A family with a track at each stage, a removed one, and history of every kind, at 0011."""
    statements = {
        "INSERT INTO family (id, name, created_at) VALUES (1, 'F', :day)": [{}],
        "INSERT INTO guardian (id, family_id, name, email, password_hash, created_at)"
        " VALUES (1, 1, 'Ada', 'ada@example.org', 'x', :day)": [{}],
        "INSERT INTO child (id, family_id, display_name, avatar, colour, birth_year,"
        " birth_month, created_at) VALUES (1, 1, 'Mo', 'x', 'sky', 2013, 5, :day)": [{}],
        "INSERT INTO track (id, family_id, child_id, platform, stage, stage_entered_at,"
        " created_at, connections, refresher, version)"
        " VALUES (:id, 1, 1, 'instagram', :stage, :day, :day, '[]', false, 1)": [
            {"id": i, "stage": stage} for i, stage in enumerate([*STAGES, "instruction"], 1)
        ],
        "INSERT INTO track_event (id, family_id, track_id, at, kind, from_stage, to_stage,"
        " actor, guardian_id, override)"
        " VALUES (:id, 1, :track, :day, :kind, :from_, :to, 'guardian:1', 1, false)": [
            {"id": i, "track": track, "kind": kind, "from_": from_, "to": to}
            for i, (track, kind, from_, to) in enumerate(EVENTS, 1)
        ],
        "INSERT INTO family_checklist_item (id, family_id, stage, label, created_at)"
        " VALUES (:id, 1, :stage, 'Our rule', :day)": [
            {"id": i, "stage": stage} for i, stage in enumerate(STAGES, 1)
        ],
        "INSERT INTO family_prompt (id, family_id, stage, topic, text, created_at)"
        " VALUES (:id, 1, :stage, 'time', 'What now?', :day)": [
            {"id": i, "stage": stage} for i, stage in enumerate(STAGES, 1)
        ],
        # A row that refers to a track: SQLite's copy of the track table must not lose it.
        "INSERT INTO checklist_tick (track_id, item, family_id, ticked_by_id, ticked_at)"
        " VALUES (2, 'family-2', 1, 1, :day)": [{}],
    }
    with engine.begin() as connection:
        for sql, rows in statements.items():
            connection.execute(sa.text(sql), [{"day": DAY, **row} for row in rows])


def _rows(engine: sa.Engine) -> dict[str, list[tuple[object, ...]]]:
    queries = {
        "track": "SELECT id, stage FROM track ORDER BY id",
        "track_event": "SELECT track_id, kind, from_stage, to_stage FROM track_event ORDER BY id",
        "family_checklist_item": "SELECT id, stage FROM family_checklist_item ORDER BY id",
        "family_prompt": "SELECT id, stage FROM family_prompt ORDER BY id",
        "checklist_tick": "SELECT track_id, item, ticked_by_id FROM checklist_tick",
        "guardian": "SELECT id, family_id FROM guardian",
    }
    with engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.exec_driver_sql(sql)]
            for table, sql in queries.items()
        }


def _constraints(engine: sa.Engine) -> dict[str, set[str]]:
    inspector = sa.inspect(engine)
    return {
        table: {c["name"] for c in inspector.get_check_constraints(table)} & CHECKED[table]
        for table in CHECKED
    }


EXPECTED = {
    "track": [(1, "instruction"), (2, "permit"), (3, "licence"), (4, "instruction")],
    "track_event": list(EVENTS),
    "family_checklist_item": [(1, "instruction"), (2, "permit"), (3, "licence")],
    "family_prompt": [(1, "instruction"), (2, "permit"), (3, "licence")],
    "checklist_tick": [(2, "family-2", 1)],
    "guardian": [(1, 1)],
}


def test_every_stage_and_kind_survives_up_down_and_up(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to(BEFORE)
    _fill(alembic_engine)
    assert _rows(alembic_engine) == EXPECTED
    for step in (alembic_runner.migrate_up_one, alembic_runner.migrate_down_one) * 2:
        step()
        at_enums = alembic_runner.current == ENUMS
        assert _rows(alembic_engine) == EXPECTED, alembic_runner.current
        assert _constraints(alembic_engine) == (
            CHECKED if at_enums else {table: set() for table in CHECKED}
        )
    alembic_runner.migrate_up_one()
    assert alembic_runner.current == ENUMS and _rows(alembic_engine) == EXPECTED


def test_the_kinds_written_out_in_the_migration_are_the_enums(alembic_runner, alembic_engine):
    """The migration spells the values so that it keeps its meaning; today they must agree
    with the enums, and the constraints it makes must be the models' own."""
    alembic_runner.migrate_up_to(ENUMS)
    assert _constraints(alembic_engine) == CHECKED
    assert {
        table: {c.name for c in metadata.tables[table].constraints} & CHECKED[table]
        for table in CHECKED
    } == CHECKED
    _fill(alembic_engine)
    with orm.Session(alembic_engine) as session:
        # Columns, not whole rows: later migrations add columns the models know already.
        stages = session.scalars(sa.select(Track.stage).order_by(Track.id)).all()
        assert stages == [*StageKey, StageKey.INSTRUCTION]
        assert all(type(stage) is StageKey for stage in stages)
        events = session.scalars(sa.select(TrackEvent).order_by(TrackEvent.id)).all()
        assert {e.kind for e in events} == set(EventKind)
        assert all(type(e.kind) is EventKind for e in events)
        assert [(e.from_stage, e.to_stage) for e in events] == [
            (None if f is None else StageKey(f), None if t is None else StageKey(t))
            for _track, _kind, f, t in EVENTS
        ]
        for model in (FamilyChecklistItem, FamilyPrompt):
            stages = session.scalars(sa.select(model.stage).order_by(model.id)).all()
            assert stages == list(StageKey)


@pytest.mark.parametrize(
    ("table", "column", "sql"),
    [
        ("track", "stage", "UPDATE track SET stage = 'driving' WHERE id = 1"),
        ("track_event", "kind", "UPDATE track_event SET kind = 'promoted' WHERE id = 1"),
        ("track_event", "from_stage", "UPDATE track_event SET from_stage = 'Permit' WHERE id = 2"),
        ("track_event", "to_stage", "UPDATE track_event SET to_stage = 'permits' WHERE id = 2"),
        ("family_checklist_item", "stage", "UPDATE family_checklist_item SET stage = ''"),
        ("family_prompt", "stage", "UPDATE family_prompt SET stage = 'learner'"),
    ],
)
def test_the_database_refuses_any_other_value(alembic_runner, alembic_engine, table, column, sql):
    """Even a write that goes round the ORM cannot store a stage or kind the app doesn't know."""
    alembic_runner.migrate_up_to(BEFORE)
    _fill(alembic_engine)
    alembic_runner.migrate_up_one()
    with (
        pytest.raises(sa.exc.IntegrityError, match=f"ck_{table}_{column}"),
        alembic_engine.begin() as connection,
    ):
        connection.exec_driver_sql(sql)
    assert _rows(alembic_engine) == EXPECTED
