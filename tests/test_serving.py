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
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import PASSWORD, _fresh_database_url

ROOT = Path(__file__).resolve().parents[1]
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    """Only the settings given here: no SUPERVISOR_ variable leaks in from outside."""
    outside = {k: v for k, v in os.environ.items() if not k.startswith("SUPERVISOR_")}
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    return subprocess.Popen(  # noqa: S603 - a fixed command line
        [*command, "wsgi:app"],
        cwd=ROOT,
        env={**outside, "SUPERVISOR_ENV": "production", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@dataclass
class Browser:
    """Just enough of a browser over plain HTTP: keeps cookies (even Secure ones, which a
    real browser would only send over HTTPS) and opens a new connection per request, so
    requests spread over the workers."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookie_headers: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, form: dict[str, str] | None = None):
        body = None if form is None else urlencode({"csrf_token": self.csrf_token(), **form})
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        connection.close()
        return response.status, text

    def csrf_token(self) -> str:
        _, page = self.request("GET", "/login")
        match = CSRF_META.search(page)
        assert match, page
        return match.group(1)


@pytest.fixture
def served(migrated_database: str, tmp_path: Path) -> Iterator[int]:
    """The app under gunicorn with two workers on a fresh database; yields the port."""
    port = free_port()
    env = {
        "SUPERVISOR_SECRET_KEY": "a-key-from-the-environment",
        "SUPERVISOR_DATABASE_URL": _fresh_database_url(migrated_database, tmp_path),
    }
    process = gunicorn(env, port)
    try:
        for _ in range(100):
            try:
                if Browser(port).request("GET", "/health")[0] == 200:
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


def test_two_workers_share_sessions_and_throttles(served: int):
    guardian = Browser(served)
    status, _ = guardian.request(
        "POST",
        "/signup",
        {
            "name": "Ada",
            "family_name": "The Lovelaces",
            "email": "ada@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert status == 302
    # Target 12: the session cookie as production sets it.
    cookie = next(h for h in guardian.set_cookie_headers[::-1] if h.startswith("__Host-session="))
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= {
        part.strip() for part in cookie.split(";")[1:]
    }
    assert "Domain" not in cookie
    # Every request opens a new connection, so both workers serve this session.
    assert {guardian.request("GET", "/family/")[0] for _ in range(20)} == {200}

    # Target 9: ten failures lock the address whichever worker counted them.
    stranger = Browser(served)
    wrong = {"email": "ada@example.org", "password": "wrong password!"}
    statuses = [stranger.request("POST", "/login", wrong)[0] for _ in range(10)]
    assert statuses == [200] * 9 + [429]
    for _ in range(4):
        status, page = stranger.request(
            "POST", "/login", {"email": "ada@example.org", "password": PASSWORD}
        )
        assert status == 429, page


def test_health_under_gunicorn(served: int):
    status, body = Browser(served).request("GET", "/health")
    assert status == 200 and '"status":"ok"' in body.replace(" ", "")
