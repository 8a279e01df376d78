"""Migrations and the database engine (security target 20)."""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, redirect
from pytest_alembic.tests import (  # the plugin's built-in checks, run explicitly
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from werkzeug.wrappers import Response

from config import Config, DevelopmentConfig, ProductionConfig, TestingConfig
from supervisor import db as database
from supervisor.app import create_app
from supervisor.extensions import db
from tests.conftest import PG_URL, WORKER, Auth, make_app, text, with_search_path

__all__ = [
    "test_model_definitions_match_ddl",
    "test_single_head_revision",
    "test_up_down_consistency",
    "test_upgrade",
]


@pytest.fixture
def alembic_config():
    return {
        "file": str(database.ROOT / "alembic.ini"),
        "script_location": str(database.ROOT / "migrations"),
    }


@pytest.fixture
def alembic_engine(tmp_path: Path):
    """An empty database: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if PG_URL:
        schema = f"supervisor_migrations_{WORKER}"
        admin = sa.create_engine(PG_URL)
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        admin.dispose()
        engine = sa.create_engine(with_search_path(PG_URL, schema))
    else:
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")
        database.configure_sqlite(engine)
    yield engine
    engine.dispose()


def test_downgrade_and_upgrade_again(alembic_runner, alembic_engine):
    """base -> head -> base -> head."""
    alembic_runner.migrate_up_to("heads")
    alembic_runner.migrate_down_to("base")
    alembic_runner.migrate_up_to("heads")
    tables = set(sa.inspect(alembic_engine).get_table_names())
    assert {"family", "guardian", "child", "invite", "login_session"} <= tables


def test_names_filled_in_for_older_choices_only_where_one_guardian_is_certain(
    alembic_runner, alembic_engine
):
    """0016 names the guardian who chose an arrangement or proposed a schedule before rows
    kept it, only where the family had a single guardian then (one who left later counts)."""
    alembic_runner.migrate_up_before("0016_who_chose")

    def day(n: int) -> datetime:
        return datetime(2026, 1, n, 10, tzinfo=UTC)

    rows = {
        "family": [
            {"id": n, "name": name, "country": "GB", "timezone": "UTC", "created_at": day(1)}
            for n, name in ((1, "One"), (2, "Two"))
        ],
        "guardian": [
            {
                "id": n,
                "family_id": family,
                "name": name,
                "email": f"{name}@example.org",
                "password_hash": "x",
                "created_at": day(joined),
                "left_at": left,
            }
            for n, family, name, joined, left in (
                (1, 1, "ada", 1, day(20)),
                (2, 1, "bea", 15, None),
                (3, 2, "cy", 1, None),
                (4, 2, "di", 2, None),
            )
        ],
        "child": [
            {
                "id": n,
                "family_id": n,
                "display_name": f"Kid {n}",
                "avatar": "x",
                "colour": "sky",
                "birth_year": 2013,
                "birth_month": 1,
                "created_at": day(1),
            }
            for n in (1, 2)
        ],
        "track": [
            {
                "id": n,
                "family_id": n,
                "child_id": n,
                "platform": "instagram",
                "stage": "permit",
                "stage_entered_at": day(5),
                "created_at": day(5),
                "monitoring": "shown",
                "monitoring_agreed_at": day(10),
                "version": 1,
            }
            for n in (1, 2)
        ],
        "checkin_schedule": [
            {
                "family_id": n,
                "track_id": n,
                "plan": 1,
                "frequency": "weekly",
                "every_days": 7,
                "weekday": 0,
                "at_time": "18:00",
                "minutes": 15,
                "effective_from": date(2026, 1, 19),
                "created_at": day(16),
                "guardian_agreed_at": day(16),
            }
            for n in (1, 2)
        ],
    }
    for table, data in rows.items():
        alembic_runner.insert_into(table, data)
    alembic_runner.migrate_up_one()
    with alembic_engine.connect() as connection:
        chosen = dict(
            connection.exec_driver_sql("SELECT id, monitoring_chosen_by_id FROM track").all()
        )
        proposed = dict(
            connection.exec_driver_sql(
                "SELECT track_id, proposed_by_id FROM checkin_schedule"
            ).all()
        )
    # Family 1 had only Ada on the 10th, Ada and Bea on the 16th; family 2 always two.
    assert chosen == {1: 1, 2: None}
    assert proposed == {1: None, 2: None}


def test_sqlite_connections_are_configured(tmp_path):
    """Checked on a SQLite app even when the suite runs on PostgreSQL."""
    app = make_app(f"sqlite:///{tmp_path / 'pragmas.sqlite3'}")
    with app.app_context():
        connection = db.session.connection()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        db.session.close()
        db.engine.dispose()


def test_app_refuses_a_database_behind_the_code(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    response = app.test_client().get("/login")
    assert response.status_code == 503
    assert "flask --app wsgi supervisor upgrade" in text(response)
    with app.app_context():
        database.upgrade(db.engine)
    assert app.test_client().get("/login").status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_cli_upgrade_and_demo(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["supervisor", "upgrade"])
    assert result.exit_code == 0 and "up to date" in result.output
    result = runner.invoke(args=["supervisor", "demo"])
    assert result.exit_code == 0 and "demo@example.org" in result.output
    result = runner.invoke(args=["supervisor", "demo"])
    assert "exists already" in result.output
    client = app.test_client()
    password = result.output.rsplit("/ ", 1)[1].strip()
    assert Auth(client).login(email="demo@example.org", password=password).status_code == 302
    page = text(client.get("/family/"))
    assert "Ada" in page and "Ben" in page
    with app.app_context():
        db.engine.dispose()


def test_health_answers_while_the_database_does(app):
    response = app.test_client().get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_and_pages_answer_503_without_a_database(tmp_path):
    """A database that cannot be opened gives 503 with a reason, never a 500."""
    app = make_app(f"sqlite:///{tmp_path / 'missing-folder' / 'db.sqlite3'}")
    client = app.test_client()
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "not answering"}
    response = client.get("/login")
    assert response.status_code == 503
    assert "The database is not answering" in text(response)
    assert "Traceback" not in text(response)
    with app.app_context():
        db.engine.dispose()


def test_health_answers_503_for_a_database_behind_the_code(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json()["database"] == "needs migrations"
    with app.app_context():
        db.engine.dispose()


def test_no_async_teardown_runs_after_each_request(app):
    """An async teardown would start an event loop after every request (about 1 ms, and a
    clash with a loop already running in the thread)."""
    assert app.teardown_appcontext_funcs
    assert not any(inspect.iscoroutinefunction(f) for f in app.teardown_appcontext_funcs)


def _ending_statements(app) -> list[str]:
    """COMMIT/ROLLBACK as the engine ends transactions, recorded from now on."""
    ends: list[str] = []
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "commit", lambda conn: ends.append("COMMIT"))
    sa.event.listen(engine, "rollback", lambda conn: ends.append("ROLLBACK"))
    return ends


@pytest.mark.own_app  # it adds routes and listens on the engine
def test_a_request_commits_below_400_and_rolls_back_otherwise(app):
    """The request is the transaction: reads and answers below 400 end with COMMIT on both
    databases (psycopg forgets prepared statements at each ROLLBACK); an error status, a
    refusal or an exception throws away everything the request wrote."""
    from supervisor.errors import Refusal
    from supervisor.models import Family

    def saved() -> str:
        db.session.add(Family(name="Saved", country="GB", timezone="UTC"))
        return "ok"

    def flushed() -> tuple[str, int]:
        db.session.add(Family(name="Flushed, then 422", country="GB", timezone="UTC"))
        db.session.flush()
        return "no", 422

    def executed() -> str:
        db.session.execute(sa.update(Family).values(name="Executed, then refused"))
        raise Refusal("Refused.")

    def modified() -> str:
        db.session.scalars(sa.select(Family)).first().name = "Modified, then failed"
        raise RuntimeError("a bug")

    views = {"saved": saved, "flushed": flushed, "executed": executed, "modified": modified}
    for name, view in views.items():
        app.add_url_rule(f"/test-{name}", name, view)
    client = Auth(app.test_client())
    client.signup(email="ada@example.org", name="Ada", family="Lovelace")
    ends = _ending_statements(app)
    assert client.client.get("/family/").status_code == 200
    assert ends == ["COMMIT"]
    for name, status in {"flushed": 422, "executed": 409, "modified": 500}.items():
        ends.clear()
        assert client.client.get(f"/test-{name}").status_code == status
        assert "ROLLBACK" in ends and "COMMIT" not in ends, (name, ends)
    with app.app_context():
        assert db.session.scalars(sa.select(Family.name)).all() == ["Lovelace"]
    ends.clear()
    assert client.client.get("/test-saved").status_code == 200
    assert ends == ["COMMIT"]
    with app.app_context():
        names = db.session.scalars(sa.select(Family.name).order_by(Family.id)).all()
        assert names == ["Lovelace", "Saved"]


@pytest.mark.own_app  # it adds a route
def test_what_a_refused_request_keeps_stands_and_the_rest_goes(app):
    """A failure on the security log outlives the refusal that follows it; writes made after
    it are still undone."""
    from supervisor import audit
    from supervisor.models import AuditEvent, Family

    def refused() -> tuple[str, int]:
        audit.record("test", audit.FAILURE, family_id=None, subject="kept")
        db.session.add(Family(name="Not kept", country="GB", timezone="UTC"))
        return "no", 429

    app.add_url_rule("/test-refused", "refused", refused)
    assert app.test_client().get("/test-refused").status_code == 429
    with app.app_context():
        assert db.session.scalars(sa.select(AuditEvent.subject)).all() == ["kept"]
        assert db.session.scalars(sa.select(Family)).all() == []


@pytest.mark.own_app  # it adds a route
def test_a_write_whose_commit_loses_a_race_answers_409(app, monkeypatch):
    """The row goes in at COMMIT, after the view said "saved": the answer is the 409 page, not
    the redirect that would say so, and nothing of the request stays."""
    from supervisor.models import Family
    from supervisor.web import authority

    def duplicate() -> Response:
        taken = db.session.scalars(sa.select(Family.id)).one()
        db.session.add(Family(id=taken, name="Same id", country="GB", timezone="UTC"))
        return redirect("/family/")

    monkeypatch.setitem(authority.RULES, "duplicate", authority.Rule())
    app.add_url_rule("/test-duplicate", "duplicate", duplicate, methods=["POST"])
    client = Auth(app.test_client())
    client.signup(email="ada@example.org", name="Ada", family="Lovelace")
    response = client.client.submit("/test-duplicate")
    assert response.status_code == 409
    assert "Someone else changed this at the same moment" in text(response)
    assert response.headers["X-Frame-Options"] == "DENY"  # the hooks after it ran on it too
    with app.app_context():
        assert db.session.scalars(sa.select(Family.name)).all() == ["Lovelace"]


@pytest.mark.skipif(PG_URL is None, reason="prepared statements are PostgreSQL's")
@pytest.mark.own_app  # its connections have prepared nothing yet
def test_postgresql_keeps_the_pages_statements_prepared(app):
    client = Auth(app.test_client())
    client.signup(email="ada@example.org", name="Ada", family="Lovelace")
    for _ in range(6):  # psycopg prepares a statement on its fifth run on a connection
        assert client.client.get("/family/").status_code == 200
    with app.app_context(), db.engine.connect() as connection:
        prepared = connection.execute(sa.text("SELECT statement FROM pg_prepared_statements"))
        statements = prepared.scalars().all()
    for table in ("login_session", "family", "track", "notification", "invite"):
        assert any(f"FROM {table} " in " ".join(s.split()) for s in statements), table


def test_a_read_whose_commit_fails_still_answers(app, monkeypatch, caplog):
    """The page was already rendered and the transaction wrote nothing: log it, answer."""
    client = Auth(app.test_client())
    client.signup(email="ada@example.org", name="Ada", family="Lovelace")

    def broken_commit(self):
        raise sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(sa.orm.Session, "commit", broken_commit)
    response = client.client.get("/family/")
    assert response.status_code == 200
    assert "Lovelace" in text(response)
    assert "COMMIT of a read failed" in caplog.text


def _configured(config: type[Config], tmp_path: Path, **settings: object) -> Flask:
    app = Flask("configured", instance_path=str(tmp_path / "instance"))
    app.config.from_object(config)
    app.config.update(settings)
    return app


def test_production_refuses_to_start_without_a_database_url(monkeypatch, tmp_path):
    """No silent SQLite file in the instance folder: the message names the variable."""
    monkeypatch.delenv("SUPERVISOR_DATABASE_URL", raising=False)
    settings = {"SECRET_KEY": "k", "BASE_URL": "https://supervisor.example"}
    with pytest.raises(RuntimeError, match="Set SUPERVISOR_DATABASE_URL"):
        create_app(ProductionConfig, settings)
    with pytest.raises(RuntimeError, match="Set SUPERVISOR_DATABASE_URL"):
        database.database_url(_configured(ProductionConfig, tmp_path))
    assert not (tmp_path / "instance").exists()
    named = f"sqlite:///{tmp_path / 'srv' / 'supervisor.sqlite3'}"  # SQLite, named on purpose
    app = create_app(ProductionConfig, {**settings, "DATABASE_URL": named})
    with app.app_context():
        assert db.engine.url.database == str(tmp_path / "srv" / "supervisor.sqlite3")


def test_development_and_testing_keep_a_database_in_the_instance_folder(tmp_path):
    for config in (DevelopmentConfig, TestingConfig):
        url = database.database_url(_configured(config, tmp_path))
        assert url.database == str(tmp_path / "instance" / "supervisor.sqlite3")


def test_every_connection_is_tried_before_use_and_prepares_unless_told_not_to(
    tmp_path, monkeypatch
):
    url = f"sqlite:///{tmp_path / 'options.sqlite3'}"
    for setting, threshold in ((None, 5), ("0", None), ("false", None)):
        if setting is not None:
            monkeypatch.setenv("SUPERVISOR_DATABASE_PREPARE", setting)
        app = make_app(PG_URL or url)
        assert bool(app.config["DATABASE_PREPARE"]) is (threshold is not None)
        with app.app_context():
            assert db.engine.pool._pre_ping is True
            if PG_URL:
                with db.engine.connect() as connection:
                    driver = connection.connection.driver_connection
                    assert driver.prepare_threshold == threshold
            db.engine.dispose()


@pytest.mark.skipif(PG_URL is None, reason="a server that ends a connection is PostgreSQL")
@pytest.mark.own_app  # it listens on the engine
def test_a_connection_the_server_ended_does_not_fail_the_next_request(app):
    """As after a database restart or failover: the pool's connections are gone; the next
    request gets a new one instead of an error page."""
    pids: list[int] = []
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "connect", lambda dbapi, _record: pids.append(dbapi.info.backend_pid))
    client = Auth(app.test_client())
    client.signup(email="ada@example.org", name="Ada", family="Lovelace")
    assert client.client.get("/family/").status_code == 200
    pooled = list(pids)
    assert pooled and engine.pool.checkedin() == len(pooled)
    admin = sa.create_engine(PG_URL)
    with admin.connect() as connection:
        ended = connection.execute(
            sa.text("SELECT pg_terminate_backend(pid) FROM unnest(:pids) AS pid"), {"pids": pooled}
        ).scalars()
        assert all(ended)
    admin.dispose()
    response = client.client.get("/family/")
    assert response.status_code == 200
    assert "Lovelace" in text(response)
    assert len(pids) > len(pooled)  # a new connection replaced the ended one


@pytest.mark.skipif(PG_URL is None, reason="prepared statements are PostgreSQL's")
def test_postgresql_prepares_nothing_with_prepare_turned_off(app):
    """``SUPERVISOR_DATABASE_PREPARE=0``, for PgBouncer's transaction mode before 1.21."""
    own = make_app(app.config["DATABASE_URL"], DATABASE_PREPARE=False)
    client = Auth(own.test_client())
    client.signup(email="ada@example.org", name="Ada", family="Lovelace")
    for _ in range(6):
        assert client.client.get("/family/").status_code == 200
    with own.app_context():
        with db.engine.connect() as connection:
            prepared = connection.execute(sa.text("SELECT count(*) FROM pg_prepared_statements"))
            assert prepared.scalar() == 0
        db.engine.dispose()


@pytest.mark.parametrize(
    ("revision", "serves"),
    [(None, False), ("0012_stage_enums", False), ("head", True), ("9999_a_newer_release", True)],
)
def test_the_schema_check_refuses_a_database_behind_the_code_only(tmp_path, revision, serves):
    """A database at a revision the code does not know was migrated by a newer release: during
    a rolling deploy the previous release's processes keep serving on it."""
    app = make_app(f"sqlite:///{tmp_path / 'revisions.sqlite3'}")
    with app.app_context():
        database.upgrade(db.engine)
        with db.engine.begin() as connection:
            if revision is None:
                connection.exec_driver_sql("DELETE FROM alembic_version")
            elif revision != "head":
                connection.execute(
                    sa.text("UPDATE alembic_version SET version_num = :revision"),
                    {"revision": revision},
                )
        assert database.schema_is_current(db.engine) is serves
    assert (app.test_client().get("/login").status_code == 200) is serves
    with app.app_context():
        db.engine.dispose()
