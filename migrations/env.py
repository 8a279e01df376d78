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
        if connection.dialect.name == "sqlite":
            _run_without_foreign_key_actions(connection)
        else:
            _run(connection)
            connection.commit()


def _run_without_foreign_key_actions(connection: sa.Connection) -> None:
    """Migrate SQLite with foreign keys off, and check them before committing.

    SQLite's batch mode copies a table and drops the old one; with foreign keys on, that
    DROP deletes the rows first, and their ON DELETE CASCADE and SET NULL would erase or
    forget every row referring to them (a track's whole history). The switch works only
    outside a transaction, so it goes to the driver before SQLAlchemy begins one.
    """
    driver = connection.connection.driver_connection
    assert driver is not None and not connection.in_transaction()
    was_on = driver.execute("PRAGMA foreign_keys").fetchone()[0]
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        _run(connection)
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"the migration left rows referring to nothing: {broken}")
        connection.commit()
    finally:
        connection.rollback()  # nothing left to undo after a commit; after a failure, all
        driver.execute(f"PRAGMA foreign_keys={'ON' if was_on else 'OFF'}")


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
