"""Alembic environment: migrates the database of the app's engine (or one handed in)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from supervisor import models  # noqa: F401 - registers every table on the metadata
from supervisor.db import UTCDateTime, metadata


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Migrations spell the UTC column type in plain SQLAlchemy, independent of app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _connectable() -> sa.Engine | sa.Connection:
    """What the caller handed in (the app, or a test tool), else the app's own engine."""
    attributes = context.config.attributes
    given = attributes.get("connection") or attributes.get("engine")
    if given is not None:
        return given
    from supervisor.app import create_app
    from supervisor.extensions import db

    with create_app().app_context():
        return db.engine


def run_migrations_online() -> None:
    connectable = _connectable()
    if isinstance(connectable, sa.Connection):
        _run(connectable)
        return
    with connectable.connect() as connection:
        _run(connection)
        connection.commit()


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
