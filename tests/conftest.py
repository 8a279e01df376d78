"""Fixtures: empty tables for every test (SQLite by default, PostgreSQL when
``SUPERVISOR_TEST_DATABASE_URL`` is set), a client that sends CSRF tokens, a movable clock.

One app serves every test of a process (``app``): building an app compiles every URL rule,
and each new app compiles its templates and SQL statements again, which cost more than most
tests themselves. Before each test its tables are emptied (``empty_tables``) and its
configuration is put back. A test that changes the app itself (adds a route, listens on its
engine for good) is marked ``own_app`` and gets an app of its own. Under pytest-xdist each
worker process has its own database file, or its own PostgreSQL schema.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, session
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from werkzeug.test import TestResponse

from config import Config, TestingConfig
from supervisor import clock as app_clock
from supervisor import db as database
from supervisor.app import create_app
from supervisor.content.lessons import LESSONS
from supervisor.db import metadata
from supervisor.extensions import db
from supervisor.mail import delivery
from supervisor.models import Child, LessonDiscussion, LessonProgress
from tests.mailbox import MailServer

PG_URL = os.environ.get("SUPERVISOR_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("SUPERVISOR_TEST_REDIS_URL")
# Each pytest-xdist worker ("gw0", "gw1", ...) has schemas of its own in that database.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
PG_SCHEMA = f"supervisor_tests_{WORKER}"
PASSWORD = "correct horse battery"
HASHING_COSTS = ("ARGON2_TIME_COST", "ARGON2_MEMORY_COST", "ARGON2_PARALLELISM")
UK = {"country": "GB", "timezone": "Europe/London"}  # where a test family lives


def with_search_path(url: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use ``schema``, so tests never touch ``public``."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Run every migration once per test session; each test then starts from a copy."""
    if PG_URL:
        admin = sa.create_engine(PG_URL)
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
            connection.exec_driver_sql(f"CREATE SCHEMA {PG_SCHEMA}")
        admin.dispose()
        url = with_search_path(PG_URL, PG_SCHEMA)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.sqlite3'}"
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        database.configure_sqlite(engine)
    database.upgrade(engine)
    engine.dispose()
    return url


def empty_tables(connection: sa.Connection) -> None:
    """Delete every row and restart every id from 1, as a freshly migrated database has them.

    DELETE takes a few milliseconds on a test's handful of rows; on PostgreSQL TRUNCATE takes
    about 80 (it replaces every table's files), and on SQLite a copy of the file means a new
    engine, which compiles every statement again.
    """
    deletes = [f"DELETE FROM {table.name}" for table in reversed(metadata.sorted_tables)]  # noqa: S608 - names from the metadata
    if connection.dialect.name == "postgresql":
        sequences = connection.exec_driver_sql(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
        ).scalars()
        connection.exec_driver_sql(
            "; ".join(deletes + [f"SELECT setval('{name}', 1, false)" for name in sequences])
        )
        return
    for delete in deletes:  # SQLite: an id is the largest one left plus one, so 1 again
        connection.exec_driver_sql(delete)


def _fresh_database_url(template_url: str, tmp_path: Path) -> str:
    """A database of its own for a test that starts a server or an app with other settings:
    a copy of the migrated file on SQLite, the emptied schema on PostgreSQL."""
    if template_url.startswith("sqlite"):
        copy = tmp_path / "test.sqlite3"
        shutil.copy(sa.make_url(template_url).database or "", copy)
        return f"sqlite:///{copy}"
    engine = sa.create_engine(template_url)
    with engine.begin() as connection:
        empty_tables(connection)
    engine.dispose()
    return template_url


class Client(FlaskClient):
    """A test client that can fill in a form's CSRF token the way a browser would."""

    def csrf_token(self) -> str:
        """This session's CSRF token, as every page carries it, without rendering a page:
        Flask-WTF's own ``generate_csrf`` in a request bound to this client's session cookie.
        The session is saved back as the page that holds the form would leave it: with the
        token added if it had none, and the flashed messages taken (every page shows them).
        ``test_security.py`` holds that the token a page carries is accepted the same way."""
        key = self.application.config["WTF_CSRF_FIELD_NAME"]
        with self.session_transaction() as saved, self.application.test_request_context():
            session.update(saved)
            token = generate_csrf()
            saved.setdefault(key, session[key])
            saved.pop("_flashes", None)
        return token

    def submit(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        """POST ``data`` with this session's valid CSRF token, as a form would."""
        return self.post(url, data={"csrf_token": self.csrf_token(), **(data or {})}, **kwargs)


def make_app(url: str, **overrides: Any) -> Flask:
    """The app as tests use it: testing settings, the test client, and on SQLite no waiting
    for the disk at each COMMIT (``synchronous=OFF``: a test database need not outlive a power
    cut, and an fsync per COMMIT cost more than the request under load)."""
    app = create_app(
        TestingConfig,
        {"DATABASE_URL": url, "SECRET_KEY": "test-secret-key", **queue_settings(), **overrides},
    )
    app.test_client_class = Client
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _no_disk_sync)
    return app


def queue_settings() -> dict[str, Any]:
    """A job queue and a mail folder of this app's own: on Redis when
    ``SUPERVISOR_TEST_REDIS_URL`` is set (the PostgreSQL pass), else on an SQLite file."""
    folder = Path(tempfile.mkdtemp(prefix="supervisor-test-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return {
        "REDIS_URL": REDIS_URL,
        "QUEUE_NAME": f"supervisor-tests-{folder.name}",
        "QUEUE_FILE": str(folder / "queue.sqlite3"),
        "MAIL_FOLDER": str(folder / "mail"),
    }


def _no_disk_sync(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(scope="session")
def shared_app(migrated_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app every test of this process uses, on a database of this process."""
    shared = make_app(_fresh_database_url(migrated_database, tmp_path_factory.mktemp("shared")))
    yield shared
    with shared.app_context():
        db.engine.dispose()


def emptied(app: Flask) -> Flask:
    """``app`` with no rows in its database."""
    with app.app_context(), db.engine.begin() as connection:
        empty_tables(connection)
    return app


@pytest.fixture
def app(shared_app: Flask, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The shared app on empty tables; whatever a test sets in its config is undone after.
    A test marked ``own_app`` (it adds routes or engine listeners) gets an app of its own on
    the same emptied database."""
    emptied(shared_app)
    if request.node.get_closest_marker("own_app"):
        own = make_app(shared_app.config["DATABASE_URL"])
        yield own
        with own.app_context():
            db.engine.dispose()
        return
    config = dict(shared_app.config)
    yield shared_app
    shared_app.config.clear()
    shared_app.config.update(config)


@pytest.fixture(scope="session")
def _second_worker(shared_app: Flask) -> Iterator[Flask]:
    other = make_app(shared_app.config["DATABASE_URL"])
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.fixture
def production_hashing(migrated_database: str, tmp_path: Path) -> Iterator[Flask]:
    """An app that hashes at the costs the app ships with (``Config``'s; the test config's
    are the smallest), for the tests that hold them."""
    folder = tmp_path / "production-hashing"  # beside the ``app`` fixture's database
    folder.mkdir()
    app = make_app(
        _fresh_database_url(migrated_database, folder),
        **{name: getattr(Config, name) for name in HASHING_COSTS},
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def second_worker(app: Flask, _second_worker: Flask) -> Flask:
    """Another app instance on the same database, as a second worker process would be."""
    return _second_worker


@pytest.fixture
def client(app: Flask) -> Client:
    client = app.test_client()
    assert isinstance(client, Client)
    return client


@dataclass
class FakeClock:
    """A clock the test moves by hand."""

    current: datetime

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def clock() -> Iterator[FakeClock]:
    fake = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    app_clock.set_source(fake)
    yield fake
    app_clock.set_source(None)


@dataclass
class Auth:
    """Sign-up and sign-in actions, as a guardian would do them through the pages."""

    client: Client

    def signup(
        self,
        email: str = "ada@example.org",
        name: str = "Ada",
        family: str = "The Lovelaces",
        **where: str,
    ) -> TestResponse:
        """Sign up; the family lives in ``country`` and ``timezone`` (the UK unless told)."""
        return self.client.submit(
            "/signup",
            data={
                "name": name,
                "family_name": family,
                **UK,
                **where,
                "email": email,
                "password": PASSWORD,
                "confirm": PASSWORD,
            },
        )

    def login(self, email: str = "ada@example.org", password: str = PASSWORD) -> TestResponse:
        return self.client.submit("/login", data={"email": email, "password": password})

    def logout(self) -> TestResponse:
        return self.client.submit("/logout")


@pytest.fixture
def auth(client: Client) -> Auth:
    return Auth(client)


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove a request changed nothing."""
    with app.app_context():
        return {
            table.name: sorted(
                (tuple(row) for row in db.session.execute(sa.select(table))), key=repr
            )
            for table in metadata.sorted_tables
        }


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def add_child(client: Client, name: str, pin: str | None = "4826", birth_year: int = 2014) -> int:
    """Add a child through the pages (and set their PIN); returns the child's id."""
    response = client.submit(
        "/family/children/new",
        data={
            "display_name": name,
            "avatar": "fox",
            "colour": "sky",
            "birth_year": str(birth_year),
            "birth_month": "5",
        },
    )
    assert response.status_code == 302, text(response)
    page = text(client.get("/family/"))
    child_id = int(page.split("/family/children/")[-1].split("/")[0])
    if pin:
        response = client.submit(
            f"/family/children/{child_id}/pin", data={"pin": pin, "confirm": pin}
        )
        assert response.status_code == 302, text(response)
    return child_id


def pass_all_lessons(app: Flask, child_id: int, keys: Iterable[str] = LESSONS) -> None:
    """Record every lesson (or those of ``keys``) as passed and talked through, for tests
    about later steps."""
    with app.app_context():
        child = db.session.get_one(Child, child_id)
        for key in keys:
            lesson = LESSONS[key]
            db.session.add(
                LessonProgress(
                    child_id=child.id,
                    lesson=key,
                    family_id=child.family_id,
                    position=lesson.length,
                    answers={},
                    first_try_correct=len(lesson.quiz),
                    best_score=len(lesson.quiz),
                    completed_at=app_clock.now(),
                )
            )
            db.session.add(
                LessonDiscussion(child_id=child.id, lesson=key, family_id=child.family_id)
            )
        db.session.commit()


def tap_i_agree(tablet: Client, track_id: int, what: str = "agree") -> TestResponse:
    """The child taps "I agree" on their track page (``agree``: the schedule,
    ``agree-arrangement``: how a guardian looks in), for the terms that page shows."""
    page = text(tablet.get(f"/me/tracks/{track_id}"))
    form = page.split(f'action="/me/tracks/{track_id}/{what}"', 1)[1].split("</form>", 1)[0]
    terms = re.search(r'name="terms" value="([^"]*)"', form)
    assert terms, form
    return tablet.submit(
        f"/me/tracks/{track_id}/{what}", data={"agree": "y", "terms": terms.group(1)}
    )


def weekly_schedule(starts_on: date, /, **overrides: str) -> dict[str, str]:
    """The schedule form as a guardian fills it in: weekly on the start date's weekday, 18:00."""
    return {
        "frequency": "weekly", "weekday": str(starts_on.weekday()), "at_time": "18:00",
        "minutes": "20", "starts_on": starts_on.isoformat(), "every_days": "",
        "fade1_on": "", "fade1_frequency": "", "fade2_on": "", "fade2_frequency": "",
        **overrides,
    }  # fmt: skip


@pytest.fixture(scope="session")
def _mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    _SERVERS.append(server)
    yield server
    server.stop()


@pytest.fixture
def mail_server(app: Flask, _mail_server: MailServer) -> Iterator[MailServer]:
    """A real SMTP server the app sends to (the ``app`` fixture puts its settings back)."""
    _mail_server.clear()
    app.config.update(_mail_server.settings())
    yield _mail_server
    _mail_server.clear()


def drain(app: Flask) -> None:
    """Send what is queued so far (sign-up and join confirmation mails) and forget it, so a
    test counts only the mail of what it does next."""
    with app.app_context():
        delivery.deliver_due()
    if _SERVERS:
        _SERVERS[0].clear()


_SERVERS: list[MailServer] = []


def deliver(app: Flask) -> int:
    """What the worker does: send every due message in the outbox; returns how many."""
    with app.app_context():
        return delivery.deliver_due()
