"""Database plumbing: the model base, UTC timestamps, SQLite pragmas and the schema check."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, g, has_request_context, request
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql, sqlite

ROOT = Path(__file__).resolve().parent.parent
UPGRADE_COMMAND = "flask --app wsgi supervisor upgrade"

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class Model(orm.DeclarativeBase):
    """Base class of every table; constraint names follow ``metadata``'s convention."""

    metadata = metadata


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Store aware datetimes as UTC and always hand back aware UTC datetimes.

    SQLite has no time zone type and would otherwise return naive values.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _sqlite_begin_statement() -> str:
    """Reads start a deferred transaction; anything that may write takes the write lock first.

    Taking the lock at BEGIN (``IMMEDIATE``) lets ``busy_timeout`` queue competing writers
    instead of failing one of them when a read lock cannot be upgraded.
    """
    if has_request_context() and request.method in {"GET", "HEAD", "OPTIONS"}:
        return "BEGIN"
    return "BEGIN IMMEDIATE"


def configure_sqlite(engine: sa.Engine) -> None:
    """Foreign keys, WAL and a busy timeout on every connection, so workers can share one file."""

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below take over
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql(_sqlite_begin_statement())


def insert_if_missing(session: orm.Session, model: type[Model], **values: Any) -> None:
    """INSERT a row unless one with the same key exists, without a race between workers."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(model).values(**values).on_conflict_do_nothing())


def rows_changed(result: sa.Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched. ``Session.execute`` is typed as returning a
    plain ``Result``; for these statements it is a ``CursorResult``, which has the count."""
    if not isinstance(result, sa.CursorResult):
        raise TypeError(f"{type(result).__name__} of a statement that is no UPDATE or DELETE")
    return result.rowcount


def alembic_config(engine: sa.Engine | None = None) -> AlembicConfig:
    """Alembic's configuration for this project, optionally bound to an engine."""
    config = AlembicConfig(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


@cache
def head_revision() -> str | None:
    """The newest migration shipped with the code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_is_current(engine: sa.Engine) -> bool:
    """True when the database has every migration applied."""
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current == head_revision()


def schema_checked(app: Flask, engine: sa.Engine) -> bool:
    """``schema_is_current``, asked once per process: after a yes, no request asks again."""
    if not app.extensions.get("schema_current"):
        app.extensions["schema_current"] = schema_is_current(engine)
    return bool(app.extensions["schema_current"])


def upgrade(engine: sa.Engine) -> None:
    """Apply all migrations to the database behind ``engine``."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def drop_async_teardown(app: Flask) -> None:
    """Flask-SQLAlchemy-Lite closes async sessions in an async teardown, which Flask runs
    through an asyncio event loop after every request (about 1 ms, two-thirds of a /health
    request). This app has no async sessions, so that teardown goes."""
    teardowns = app.teardown_appcontext_funcs
    keep = [f for f in teardowns if not inspect.iscoroutinefunction(f)]
    if len(keep) != len(teardowns) - 1:
        raise RuntimeError("Expected exactly one async teardown from Flask-SQLAlchemy-Lite.")
    teardowns[:] = keep


def commit_unchanged_requests(app: Flask, sessionmaker: orm.sessionmaker[orm.Session]) -> None:
    """End a request's transaction with COMMIT, not ROLLBACK, when it changed nothing.

    psycopg forgets its prepared statements at every ROLLBACK, and a session closed at the
    end of a request rolls back: so on PostgreSQL no statement was ever prepared, and every
    one was parsed and planned again on every request (planning the requirement facts'
    ``UNION ALL`` takes longer than running it). A COMMIT of a transaction that wrote nothing
    changes nothing and lets the connection keep them. Anything flushed, executed as
    INSERT/UPDATE/DELETE or left modified keeps the ROLLBACK, as does a request that failed.
    """

    @sa.event.listens_for(sessionmaker, "after_begin")
    def note_open(session: orm.Session, *_args: Any) -> None:
        if has_request_context():
            g.setdefault("open_sessions", set()).add(session)

    @sa.event.listens_for(sessionmaker, "after_flush")
    def note_flush(session: orm.Session, _context: Any) -> None:
        session.info["wrote"] = True

    @sa.event.listens_for(sessionmaker, "do_orm_execute")
    def note_write(state: orm.ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            state.session.info["wrote"] = True

    @sa.event.listens_for(sessionmaker, "after_transaction_end")
    def forget(session: orm.Session, transaction: orm.SessionTransaction) -> None:
        if transaction.parent is None:
            session.info.pop("wrote", None)

    @app.teardown_request
    def commit_if_unchanged(error: BaseException | None) -> None:
        for session in g.pop("open_sessions", ()):
            transaction = session.get_transaction()
            changed = session.info.get("wrote") or session.new or session.dirty or session.deleted
            if error is None and transaction is not None and transaction.is_active and not changed:
                try:
                    session.commit()
                except sa.exc.SQLAlchemyError:
                    # It wrote nothing, so nothing is lost: the session's close rolls back.
                    app.logger.warning("COMMIT of a read failed", exc_info=True)


def init_app(app: Flask) -> None:
    """Wire database behaviour that needs the app's engine."""
    from supervisor.extensions import db

    with app.app_context():
        engine, sessionmaker = db.engine, db.sessionmaker
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine)
    if engine.dialect.name == "postgresql":  # SQLite's driver keeps its statements anyway
        commit_unchanged_requests(app, sessionmaker)

    @app.before_request
    def refuse_outdated_schema() -> tuple[str, int] | None:
        """Serve nothing from a database whose schema is behind the code, and say the fix."""
        if request.endpoint == "health.health":
            return None  # it says the same in its own words
        from supervisor.errors import render_error

        try:
            if schema_checked(app, engine):
                return None
        except sa.exc.OperationalError:
            app.logger.exception("The database is not answering")
            return render_error(503, "The database is not answering. Please try again soon.")
        return render_error(503, f"The database needs updating. Run: {UPGRADE_COMMAND}")
