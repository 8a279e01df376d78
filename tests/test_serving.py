"""The production run as README documents it: gunicorn, two workers, one database, settings
from the environment (security targets 9 and 12 across real worker processes)."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.browser import Browser, Response
from supervisor.links import EXAMPLE
from tests.conftest import PASSWORD, UK, _fresh_database_url

ROOT = Path(__file__).resolve().parents[1]


def base(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn(env: dict[str, str], port: int, *options: str) -> subprocess.Popen[str]:
    """Only the settings given here: no SUPERVISOR_ variable leaks in from outside."""
    outside = {k: v for k, v in os.environ.items() if not k.startswith("SUPERVISOR_")}
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    return subprocess.Popen(  # noqa: S603 - a fixed command line
        [*command, *options, "wsgi:app"],
        cwd=ROOT,
        env={**outside, "SUPERVISOR_ENV": "production", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def served(migrated_database: str, tmp_path: Path) -> Iterator[int]:
    """The app under gunicorn with two workers on a fresh database; yields the port once
    ``/health`` answers 200 (what it answers otherwise: test_database.py).

    gunicorn's access log goes to ``access.log`` in ``tmp_path``.
    """
    port = free_port()
    env = {
        "SUPERVISOR_SECRET_KEY": "a-key-from-the-environment",
        "SUPERVISOR_DATABASE_URL": _fresh_database_url(migrated_database, tmp_path),
        "SUPERVISOR_BASE_URL": base(port),
    }
    process = gunicorn(env, port, "--access-logfile", str(tmp_path / "access.log"))
    try:
        for _ in range(100):
            try:
                if Browser(base(port)).get("/health").status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()


def test_gunicorn_refuses_to_start_without_a_secret_key(migrated_database, tmp_path):
    env = {"SUPERVISOR_DATABASE_URL": _fresh_database_url(migrated_database, tmp_path)}
    process = gunicorn(env, free_port())
    output, _ = process.communicate(timeout=30)
    assert process.returncode != 0
    assert "Set SUPERVISOR_SECRET_KEY" in output


def test_gunicorn_refuses_to_start_without_a_database_url():
    """Production never serves from an SQLite file it made up in the instance folder."""
    env = {"SUPERVISOR_SECRET_KEY": "a-key-from-the-environment", "SUPERVISOR_BASE_URL": EXAMPLE}
    process = gunicorn(env, free_port())
    output, _ = process.communicate(timeout=30)
    assert process.returncode != 0
    assert "Set SUPERVISOR_DATABASE_URL" in output


def sign_up(guardian: Browser) -> Response:
    """Sign a new family up through the pages, as test_auth does in process."""
    signup = {
        "name": "Ada",
        "family_name": "The Lovelaces",
        **UK,
        "email": "ada@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "csrf_token": guardian.form_token("/signup"),
    }
    return guardian.post("/signup", signup)


def test_gunicorn_refuses_to_start_without_a_base_url(migrated_database, tmp_path):
    env = {
        "SUPERVISOR_SECRET_KEY": "a-key-from-the-environment",
        "SUPERVISOR_DATABASE_URL": _fresh_database_url(migrated_database, tmp_path),
    }
    process = gunicorn(env, free_port())
    output, _ = process.communicate(timeout=30)
    assert process.returncode != 0
    assert "Set SUPERVISOR_BASE_URL" in output


def test_two_workers_share_sessions_and_throttles(served: int):
    guardian = Browser(base(served))
    answer = sign_up(guardian)
    assert answer.status == 302
    # Target 12: the session cookie as production sets it.
    cookie = next(h for h in answer.set_cookies if h.startswith("__Host-session="))
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= {
        part.strip() for part in cookie.split(";")[1:]
    }
    assert "Domain" not in cookie
    # Every request opens a new connection, so both workers serve this session.
    assert {guardian.get("/family/").status for _ in range(20)} == {200}

    # Target 9: ten failures lock the address whichever worker counted them.
    stranger = Browser(base(served))

    def sign_in(password: str) -> int:
        form = {"email": "ada@example.org", "password": password}
        return stranger.post("/login", {**form, "csrf_token": stranger.form_token("/login")}).status

    assert [sign_in("wrong password!") for _ in range(10)] == [200] * 9 + [429]
    assert [sign_in(PASSWORD) for _ in range(4)] == [429] * 4


def test_gunicorn_access_log_masks_url_tokens(served: int, tmp_path: Path):
    """Security target 26, with the ``gunicorn.conf.py`` gunicorn reads from the checkout."""
    guardian = Browser(base(served))
    sign_up(guardian)
    tokens = []
    for form in ("/family/invites", "/family/calendar"):
        page = guardian.post(form, {"csrf_token": guardian.form_token("/family/")}).body
        tokens.append(re.search(r'value="[^"]+/(?:invite|calendar)/([\w-]+)', page).group(1))
    invite, calendar = tokens
    assert Browser(base(served)).get(f"/invite/{invite}").status == 200
    assert Browser(base(served)).get(f"/calendar/{calendar}.ics").status == 200
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=30)
    connection.request(
        "GET", "/static/style.css", headers={"Referer": base(served) + f"/invite/{invite}"}
    )
    assert connection.getresponse().status == 200
    connection.close()
    log = tmp_path / "access.log"
    for _ in range(100):  # a worker writes its line once the response has gone
        if log.read_text().count("/invite/[hidden]") == 2:
            break
        time.sleep(0.05)
    logged = log.read_text()
    assert '"GET /invite/[hidden] HTTP/1.1" 200' in logged
    assert '"GET /calendar/[hidden].ics HTTP/1.1" 200' in logged
    assert f'"{base(served)}/invite/[hidden]"' in logged  # the referring page
    assert invite not in logged and calendar not in logged
