"""Migration 0017 turns every avatar emoji a child row held into its name, and back on the
way down, with the names the form offers today."""

# ruff: noqa: F811 - the tests take the alembic fixtures imported from test_database

from __future__ import annotations

import importlib.util

import sqlalchemy as sa

from supervisor import db as database
from supervisor.web.forms.family import AVATARS
from tests.test_database import alembic_config, alembic_engine  # noqa: F401 - fixtures

BEFORE = "0016_who_chose"
NAMED = "0017_avatar_names"
EMOJI = ["🦊", "🐼", "🐙", "🦉", "🐢", "🦄", "🐝", "🐬", "🚀", "⚽", "🎸", "🌻"]


def _migration():
    path = database.ROOT / "migrations" / "versions" / f"{NAMED}.py"
    spec = importlib.util.spec_from_file_location(NAMED, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fill(engine: sa.Engine, avatars: list[str]) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO family (id, name, created_at) VALUES (1, 'F', :d)"),
            {"d": "2026-01-01 00:00:00"},
        )
        connection.execute(
            sa.text(
                "INSERT INTO child (id, family_id, display_name, avatar, colour, birth_year,"
                " birth_month, created_at) VALUES (:id, 1, 'Mo', :avatar, 'sky', 2014, 5, :d)"
            ),
            [{"id": i, "avatar": a, "d": "2026-01-01 00:00:00"} for i, a in enumerate(avatars, 1)],
        )


def _avatars(engine: sa.Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(sa.text("SELECT avatar FROM child ORDER BY id")))


def test_every_emoji_becomes_its_name_and_back(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to(BEFORE)
    _fill(alembic_engine, EMOJI)
    alembic_runner.migrate_up_to(NAMED)
    names = [_migration().NAMES[e] for e in EMOJI]
    assert _avatars(alembic_engine) == names == list(AVATARS)
    alembic_runner.migrate_down_one()
    assert _avatars(alembic_engine) == EMOJI
    alembic_runner.migrate_up_one()
    assert _avatars(alembic_engine) == names


def test_a_value_the_form_never_offered_gets_a_picture(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to(BEFORE)
    _fill(alembic_engine, ["x", "🐢"])
    alembic_runner.migrate_up_to(NAMED)
    assert _avatars(alembic_engine) == ["fox", "turtle"]
