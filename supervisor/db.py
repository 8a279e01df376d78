"""Database plumbing: the model base, UTC timestamps, SQLite pragmas, the schema check, and
the one place where a request's transaction ends."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql, sqlite
from werkzeug.wrappers import Response

from supervisor.layout import ROOT, root_module

UPGRADE_COMMAND = f"flask --app {root_module('wsgi')} supervisor upgrade"
EXAMPLE_DATABASE_URL = "postgresql+psycopg://supervisor@db.internal/supervisor"
READS = {"GET", "HEAD", "OPTIONS"}
M = TypeVar("M", bound="Model")

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
    if has_request_context() and request.method in READS:
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


def set_present(
    session: orm.Session, model: type[M], key: tuple[Any, ...], present: bool, make: Callable[[], M]
) -> None:
    """A row that exists or not, such as a guardian's tick: add it (``make`` builds it) or
    delete it, and leave it be when it is as wanted already."""
    existing = session.get(model, key)
    if present and existing is None:
        session.add(make())
    elif not present and existing is not None:
        session.delete(existing)


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


@cache
def known_revisions() -> frozenset[str]:
    """Every migration shipped with the code."""
    script = ScriptDirectory.from_config(alembic_config())
    return frozenset(revision.revision for revision in script.walk_revisions())


def schema_is_current(engine: sa.Engine) -> bool:
    """True when the database has every migration this code ships: it is at their head, or at
    a revision the code does not know, which only a newer release can have applied. During a
    rolling deploy the previous release's processes go on serving on the new schema (its
    migrations only add: README, "Rolling deploys"); a database behind the code serves nothing.
    """
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        return False
    return current == head_revision() or current not in known_revisions()


def schema_checked(app: Flask, engine: sa.Engine) -> bool:
    """``schema_is_current``, asked once per process: after a yes, no request asks again."""
    if not app.extensions.get("schema_current"):
        app.extensions["schema_current"] = schema_is_current(engine)
    return bool(app.extensions["schema_current"])


def upgrade(engine: sa.Engine) -> None:
    """Apply all migrations to the database behind ``engine``."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


class Database:
    """The app's engine, and one session per app context: each request is one transaction.

    After the view, the request's session commits once if the answer is below 400, reads
    included (a COMMIT keeps psycopg's prepared statements, which a ROLLBACK throws away,
    and costs SQLite nothing). An error page, a refusal or an exception rolls back what the
    request wrote, except what ``keep`` marked as standing. Nothing else in the app commits
    or rolls back: operations add and flush; the CLI commands run in ``session.begin()``.
    """

    def __init__(self, **engine_options: Any) -> None:
        self.engine_options = engine_options

    def init_app(self, app: Flask) -> None:
        """The engine, and the session closed after each request."""
        url = database_url(app)
        engine = sa.create_engine(url, **self.engine_options, **connection_options(app, url))
        if engine.dialect.name == "sqlite":
            configure_sqlite(engine)
        app.extensions["database"] = orm.sessionmaker(engine)
        app.teardown_appcontext(self._close)

    def end_requests(self, app: Flask) -> None:
        """End every request's transaction. Register it after the other ``after_request``
        hooks: it then runs first, and an error page it answers with gets theirs too."""
        app.after_request(self._end_request)

    @property
    def sessionmaker(self) -> orm.sessionmaker[orm.Session]:
        sessionmaker: orm.sessionmaker[orm.Session] = current_app.extensions["database"]
        return sessionmaker

    @property
    def engine(self) -> sa.Engine:
        engine: sa.Engine = self.sessionmaker.kw["bind"]
        return engine

    @property
    def session(self) -> orm.Session:
        """This app context's session, opened on first use and closed when the context ends."""
        session: orm.Session | None = g.get("db_session")
        if session is None:
            session = g.db_session = self.sessionmaker()
        return session

    def keep(self) -> None:
        """What this request wrote so far stands, even if the request ends refused: a failed
        password or a denied write stays on the security log, with the count that throttles it.

        A savepoint marks the place; ``undo`` goes back to it instead of to the start.
        """
        g.db_kept = self.session.begin_nested()

    def undo(self) -> None:
        """Throw away what this request wrote since ``keep`` (everything, without one), so the
        page that refuses reads what is saved; what was kept is still committed at the end."""
        session: orm.Session | None = g.get("db_session")
        if session is None:
            return
        kept: orm.SessionTransaction | None = g.get("db_kept")
        if kept is not None:
            try:
                kept.rollback()
                g.db_kept = session.begin_nested()  # later writes can be undone again
                return
            except sa.exc.SQLAlchemyError:  # the connection itself failed: nothing stands
                current_app.logger.warning("Rolling back to a kept write failed", exc_info=True)
        g.pop("db_kept", None)
        session.rollback()

    def _end_request(self, response: Response) -> Response:
        """COMMIT after an answer below 400; otherwise undo first, then commit what was kept.

        A COMMIT that fails answers with the error page for its failure (a write that lost a
        race: 409), not with the page that would say it was saved; a read loses nothing by
        it, so its page still goes out.
        """
        session: orm.Session | None = g.get("db_session")
        if session is None or not session.in_transaction():
            return response
        try:
            if response.status_code >= 400:
                self.undo()
            session.commit()
        except sa.exc.SQLAlchemyError as error:
            g.pop("db_kept", None)
            session.rollback()
            if request.method in READS and response.status_code < 400:
                current_app.logger.warning("COMMIT of a read failed", exc_info=True)
                return response
            return current_app.make_response(current_app.handle_user_exception(error))
        finally:
            g.pop("db_kept", None)
        return response

    def _close(self, _error: BaseException | None) -> None:
        g.pop("db_kept", None)
        session: orm.Session | None = g.pop("db_session", None)
        if session is not None:
            session.close()


def database_url(app: Flask) -> sa.URL:
    """``DATABASE_URL``, a relative SQLite path taken inside Flask's instance folder.

    Production has no default: without the setting it would serve from a file nobody chose
    and lose it with the machine.
    """
    if not app.config.get("DATABASE_URL"):
        raise RuntimeError(
            f"Set SUPERVISOR_DATABASE_URL (such as {EXAMPLE_DATABASE_URL}, or "
            "sqlite:////srv/supervisor.sqlite3 for one machine): production never makes up "
            "a database of its own."
        )
    url = sa.make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).is_absolute():
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = url.set(database=str(Path(app.instance_path) / url.database))
    return url


def connection_options(app: Flask, url: sa.URL) -> dict[str, Any]:
    """The engine's options that depend on the settings: with ``DATABASE_PREPARE`` off, psycopg
    prepares no statement (PgBouncer's transaction mode before 1.21 would hand a connection's
    prepared statements to another client's session)."""
    if url.get_backend_name() == "postgresql" and not app.config.get("DATABASE_PREPARE", True):
        return {"connect_args": {"prepare_threshold": None}}
    return {}
