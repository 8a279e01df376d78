"""Secrets stay out of logs (security target 26): request lines show no URL token, and a
failing statement is logged without its parameters; one logging set-up for the app and
gunicorn, each line with its request's id, as text or JSON lines. gunicorn's log with two
workers: tests/test_serving.py."""

from __future__ import annotations

import http.client
import io
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import request
from werkzeug.serving import make_server

from supervisor import logs
from supervisor.extensions import db
from tests.conftest import _fresh_database_url, text
from tests.test_serving import ROOT, free_port

SECRET = "-".join(("the", "secret", "value"))  # built, so no traceback's source line shows it
LINK = re.compile(r'value="https?://[^/"]+/(?:invite|calendar)/([^"]+?)(?:\.ics)?"')


def link_token(client, form_path: str) -> str:
    """Make an invite or calendar link through its page and read the token it shows."""
    match = LINK.search(text(client.submit(form_path)))
    assert match, form_path
    return match.group(1)


def test_tokens_are_masked_however_the_path_spells_them():
    from supervisor.web.request_log import mask_tokens

    for path in (
        "/invite/TOKEN", "/invite//TOKEN", "/invite/%20TOKEN", "/invite/%54OKEN",
        "/INVITE/TOKEN", "%2Finvite%2FTOKEN", "/calendar/TOKEN.ics", "/calendar/%54OKEN.ics",
        "/calendar//TOKEN.ics", "/password/reset/TOKEN", "/password//reset/%54OKEN",
        "%2Fpassword%2Freset%2FTOKEN", "/PASSWORD/RESET/TOKEN",
        "/account/confirm/TOKEN", "/account/confirm//TOKEN",
        "/mail/unsubscribe/TOKEN", "/mail%2Funsubscribe%2FTOKEN",
    ):  # fmt: skip
        masked = mask_tokens(f'"GET {path} HTTP/1.1" 410 -')
        assert "TOKEN" not in masked and "OKEN" not in masked, (path, masked)
        assert "[hidden]" in masked
    assert mask_tokens("/family/invites") == "/family/invites"
    assert mask_tokens("/password/forgot") == "/password/forgot"


def test_development_server_log_masks_url_tokens(app, auth, client, caplog):
    auth.signup()
    invite = link_token(client, "/family/invites")
    calendar = link_token(client, "/family/calendar")
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        for path in (f"/invite/{invite}", f"/calendar/{calendar}.ics", "/invite/made-up"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}")
            except urllib.error.HTTPError as error:
                assert error.code == 410, path
    finally:
        server.shutdown()
        thread.join()
    logged = caplog.text
    assert logged.count("GET /invite/[hidden] HTTP/1.1") == 2
    assert "GET /calendar/[hidden].ics HTTP/1.1" in logged
    for secret in (invite, calendar, "made-up"):
        assert secret not in logged


@pytest.mark.own_app  # it adds a page
def test_failing_statement_is_logged_without_its_parameters(app, client, caplog):
    @app.get("/failing-statement")
    def failing_statement() -> str:
        statement = sa.text("SELECT * FROM no_such_table WHERE secret = :secret")
        db.session.execute(statement, {"secret": SECRET})
        return "unreachable"

    response = client.get("/failing-statement")
    assert response.status_code == 500
    assert "no_such_table" in caplog.text  # the error itself is logged
    assert SECRET not in caplog.text
    assert SECRET not in text(response)


# One logging set-up for the app, the worker and gunicorn (supervisor/logs.py).

FORMATS = ("text", "json")
TOKEN = "-".join(("a", "link", "token"))


@pytest.fixture
def log_output(monkeypatch) -> Iterator[Callable[[str], str]]:
    """Point the root logger's handler at a buffer in the format asked for; returns what was
    written. The handler create_app makes comes back after the test."""
    buffers: list[io.StringIO] = []

    def start(fmt: str) -> str:
        monkeypatch.setenv(logs.FORMAT, fmt)
        buffers.append(io.StringIO())
        logs.configure(buffers[-1])
        return fmt

    start.written = lambda: buffers[-1].getvalue()  # type: ignore[attr-defined]
    yield start
    monkeypatch.delenv(logs.FORMAT, raising=False)
    logs.configure()


def noting_app(app):
    @app.get("/noted/<path:rest>")
    def noted(rest: str) -> str:
        logging.getLogger("supervisor.noted").warning("noted %s", request.path)
        return "noted"

    return app


def request_ids(written: str, fmt: str) -> list[str]:
    if fmt == "json":
        entries = [json.loads(line) for line in written.splitlines()]
        return [e["request_id"] for e in entries if e["logger"] == "supervisor.noted"]
    return re.findall(r" \[([^\]]+)\] noted", written)


@pytest.mark.own_app  # it adds a page
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_requests_log_lines_and_its_answer_share_one_id(app, log_output, fmt):
    client = noting_app(app).test_client()
    log_output(fmt)
    kept = client.get("/noted/x", headers={"X-Request-ID": "from-the-proxy_1.2"})
    assert kept.headers["X-Request-ID"] == "from-the-proxy_1.2"
    answers = [kept]
    for unsafe in ("has spaces in it", "x" * 65, "<script>", "a/b", "%0a", ""):
        answer = client.get("/noted/x", headers={"X-Request-ID": unsafe})
        assert answer.status_code == 200
        assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"]), unsafe
        answers.append(answer)
    answers.append(client.get("/noted/x"))
    sent = [answer.headers["X-Request-ID"] for answer in answers]
    assert len(set(sent)) == len(sent)  # each request its own id
    assert request_ids(log_output.written(), fmt) == sent


@pytest.mark.own_app  # it adds a page
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_token_in_a_path_is_masked_in_either_format(app, log_output, fmt):
    client = noting_app(app).test_client()
    log_output(fmt)
    for path in (f"/noted/invite/{TOKEN}", f"/noted/calendar/{TOKEN}.ics"):
        client.get(path)
    try:
        raise ValueError(f"while serving /password/reset/{TOKEN}")
    except ValueError:
        logging.getLogger("supervisor.noted").exception("failed")
    written = log_output.written()
    assert TOKEN not in written
    assert "noted /noted/invite/[hidden]" in written
    assert "noted /noted/calendar/[hidden].ics" in written
    assert "/password/reset/[hidden]" in written  # the traceback too


def test_json_lines_parse_one_by_one_with_their_fields(app, log_output):
    log_output("json")
    with app.test_request_context(headers={"X-Request-ID": "req-7"}):
        logging.getLogger("supervisor.somewhere").info('a "quoted" line\nwith two parts')
    logging.getLogger("supervisor.elsewhere").error("outside a request")
    lines = log_output.written().splitlines()
    assert len(lines) == 2
    inside, outside = (json.loads(line) for line in lines)
    assert inside["message"] == 'a "quoted" line\nwith two parts'
    assert inside["level"] == "INFO" and inside["logger"] == "supervisor.somewhere"
    assert inside["request_id"] == "req-7"
    assert outside["request_id"] == "-" and outside["level"] == "ERROR"
    for entry in (inside, outside):
        assert datetime.fromisoformat(entry["time"]).utcoffset() == timedelta(0)


def test_the_level_and_format_come_from_the_environment(monkeypatch):
    try:
        monkeypatch.setenv(logs.LEVEL, "warning")
        logs.configure(io.StringIO())
        assert logging.getLogger().level == logging.WARNING
        monkeypatch.setenv(logs.LEVEL, "chatty")
        with pytest.raises(RuntimeError, match=logs.LEVEL):
            logs.configure(io.StringIO())
        monkeypatch.delenv(logs.LEVEL)
        monkeypatch.setenv(logs.FORMAT, "xml")
        with pytest.raises(RuntimeError, match=logs.FORMAT):
            logs.configure(io.StringIO())
    finally:
        monkeypatch.delenv(logs.LEVEL, raising=False)
        monkeypatch.delenv(logs.FORMAT, raising=False)
        logs.configure()
    assert logging.getLogger().level == logging.INFO
    assert sum(bool(getattr(h, "_supervisor", False)) for h in logging.getLogger().handlers) == 1


def test_the_engine_hides_statement_parameters(app, log_output, monkeypatch):
    monkeypatch.setenv(logs.LEVEL, "DEBUG")  # not even the most talkative level shows them
    log_output("text")
    with app.app_context():
        assert db.engine.hide_parameters is True
        assert not db.engine.echo
        session = db.session
        session.execute(sa.text("CREATE TEMP TABLE secrets (value TEXT UNIQUE)"))
        insert = sa.text("INSERT INTO secrets (value) VALUES (:value)")
        session.execute(insert, {"value": SECRET})
        with pytest.raises(sa.exc.IntegrityError) as failed:
            session.execute(insert, {"value": SECRET})
        session.rollback()
        assert "INSERT" not in log_output.written() and SECRET not in log_output.written()
        # The error as a page's failure logs it: its statement's parameters are hidden, and
        # the values PostgreSQL's own message names ("Key (value)=(...)") are masked.
        logging.getLogger("supervisor").error("failed", exc_info=failed.value)
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(failed.value)
    assert "INSERT INTO secrets" in log_output.written()
    assert SECRET not in log_output.written()


@pytest.mark.parametrize("fmt", FORMATS)
def test_gunicorn_logs_each_request_with_its_id_and_no_token(migrated_database, tmp_path, fmt):
    """gunicorn with the shipped gunicorn.conf.py: its access log on standard output."""
    port = free_port()
    outside = {k: v for k, v in os.environ.items() if not k.startswith("SUPERVISOR_")}
    env = {
        **outside,
        "SUPERVISOR_ENV": "production",
        "SUPERVISOR_SECRET_KEY": "a-key-from-the-environment",
        "SUPERVISOR_DATABASE_URL": _fresh_database_url(migrated_database, tmp_path),
        "SUPERVISOR_BASE_URL": f"http://127.0.0.1:{port}",
        "SUPERVISOR_LOG_FORMAT": fmt,
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
    with (tmp_path / "stderr").open("w") as stderr:
        process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [*command, "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr,
            text=True,
        )  # fmt: skip
    try:
        status = answer(port, f"/invite/{TOKEN}", {"X-Request-ID": "from-the-proxy-7"})
        assert status == 410
    finally:
        process.terminate()
        try:
            written, _ = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            written, _ = process.communicate()
    assert TOKEN not in written, written
    lines = [line for line in written.splitlines() if "from-the-proxy-7" in line]
    assert len(lines) == 1, written
    if fmt == "json":
        entry = json.loads(lines[0])
        assert entry["logger"] == "gunicorn.access"
        assert entry["request_id"] == "from-the-proxy-7"
        assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/invite/[hidden]", 410)
        assert entry["duration_ms"] > 0
        assert '"GET /invite/[hidden] HTTP/1.1" 410' in entry["message"]
    else:
        assert " gunicorn.access [from-the-proxy-7] " in lines[0]
        assert '"GET /invite/[hidden] HTTP/1.1" 410' in lines[0]


def answer(port: int, path: str, headers: dict[str, str]) -> int:
    """The status of ``path`` once gunicorn answers at all."""
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path, headers=headers)
            status = connection.getresponse().status
            connection.close()
            return status
        except OSError:
            time.sleep(0.1)
    pytest.fail("gunicorn did not start")
