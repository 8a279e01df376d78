"""Behind a real reverse proxy, under gunicorn: the scheme, host and client address the app
sees come from the proxy's X-Forwarded-* headers exactly when TRUSTED_PROXIES says so, and
never because gunicorn believed them itself (it trusts 127.0.0.1 unless gunicorn.conf.py
says otherwise).

The visitor connects from 127.0.0.2, the proxy (tests/reverse_proxy.py) from 127.0.0.1, so
the address the sign-up throttle counts tells which one the app believed. The app runs in
development without BASE_URL, where an invite link follows the request: its scheme and host
are the ones the app saw.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from supervisor.models import SignupThrottle
from tests.conftest import PASSWORD, UK, _fresh_database_url

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")  # the virtual environment's
VISITOR = "127.0.0.2"  # loopback too, but not the proxy's 127.0.0.1
PUBLIC = "supervisor.test"  # the host the visitor asks the proxy for
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
INVITE_LINK = re.compile(r'value="(\w+)://([^/"]+)/invite/[\w-]+"')


@dataclass
class Visitor:
    """A browser at 127.0.0.2 talking to ``port``, naming ``host``: keeps its cookies, sends
    ``headers`` with every request, and a Referer on this site as a browser would."""

    port: int
    host: str = PUBLIC
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(VISITOR, 0)
        )
        site = self.headers.get("X-Forwarded-Host", self.host)  # where the page claims to be
        headers = {"Host": self.host, "Referer": f"https://{site}/", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            for cookie in answer.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name] = rest.split(";")[0]
            return answer.status, answer.read().decode()
        finally:
            connection.close()

    def token(self, path: str) -> str:
        status, page = self.request("GET", path)
        match = CSRF_META.search(page)
        assert status == 200 and match, (path, status)
        return match.group(1)

    def sign_up(self, email: str) -> int:
        form = {"name": "Ada", "family_name": "The Lovelaces", **UK, "email": email}
        form |= {"password": PASSWORD, "confirm": PASSWORD, "csrf_token": self.token("/signup")}
        return self.request("POST", "/signup", form)[0]

    def invite_link(self) -> tuple[str, str]:
        """The scheme and host of a new invite link, as the app built it from the request."""
        status, page = self.request(
            "POST", "/family/invites", {"csrf_token": self.token("/family/")}
        )
        match = INVITE_LINK.search(page)
        assert status == 200 and match, status
        return match.group(1), match.group(2)


@dataclass(frozen=True)
class Site:
    app: int  # gunicorn's port
    proxy: int  # the reverse proxy's
    database: str

    def clients_counted(self) -> list[str]:
        """The client addresses the sign-up throttle counted, as the app saw them."""
        engine = sa.create_engine(self.database)
        try:
            with engine.connect() as connection:
                query = sa.select(SignupThrottle.address).where(SignupThrottle.scope == "client")
                return sorted(connection.scalars(query))
        finally:
            engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def stop(process: subprocess.Popen[str]) -> None:
    """SIGINT: gunicorn's quick shutdown (SIGTERM waits for its workers' graceful exit)."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout:
        process.stdout.close()


@contextmanager
def serving(migrated_database: str, tmp_path: Path, trusted_proxies: int) -> Iterator[Site]:
    """gunicorn (one worker, ``gunicorn.conf.py`` from the checkout) on a free port with only
    the settings given here, and the reverse proxy in front of it; both stopped afterwards."""
    database = _fresh_database_url(migrated_database, tmp_path)
    outside = {k: v for k, v in os.environ.items() if not k.startswith("SUPERVISOR_")}
    env = {
        **outside,
        "SUPERVISOR_ENV": "development",
        "SUPERVISOR_SECRET_KEY": "a-key-from-the-environment",
        "SUPERVISOR_DATABASE_URL": database,
        "SUPERVISOR_QUEUE_FILE": str(tmp_path / "queue.sqlite3"),
        "SUPERVISOR_MAIL_FOLDER": str(tmp_path / "mail"),
        "SUPERVISOR_TRUSTED_PROXIES": str(trusted_proxies),
        "SUPERVISOR_TRUSTED_HOSTS": f"{PUBLIC}, 127.0.0.1",
    }
    port = free_port()
    command = [str(GUNICORN), "--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"]
    app = subprocess.Popen(  # noqa: S603 - a fixed command line
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    proxy = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.reverse_proxy", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proxy.stdout is not None
        proxy_port = int(proxy.stdout.readline())
        for _ in range(200):
            try:
                if Visitor(port, host="127.0.0.1").request("GET", "/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise AssertionError("gunicorn did not start")
        yield Site(port, proxy_port, database)
    finally:
        stop(proxy)
        stop(app)


def test_behind_a_trusted_proxy_the_app_sees_the_visitor(migrated_database, tmp_path):
    """TRUSTED_PROXIES=1: https, the host the visitor asked for, the visitor's address.

    A request straight to gunicorn is believed just the same: the setting counts hops, it
    cannot tell the proxy from anyone else, so only the proxy may be able to reach gunicorn.
    """
    with serving(migrated_database, tmp_path, trusted_proxies=1) as site:
        visitor = Visitor(site.proxy)
        assert visitor.sign_up("ada@example.org") == 302
        assert visitor.invite_link() == ("https", PUBLIC)
        assert site.clients_counted() == [VISITOR]
        # The host the proxy names must be one the app serves.
        assert Visitor(site.proxy, host="evil.example").request("GET", "/login")[0] == 400

        forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        forged["X-Forwarded-Host"] = PUBLIC
        direct = Visitor(site.app, host="127.0.0.1", headers=forged, cookies=visitor.cookies)
        assert direct.invite_link() == ("https", PUBLIC)
        assert Visitor(site.app, headers=forged).sign_up("bob@example.org") == 302
        assert site.clients_counted() == [VISITOR, "203.0.113.9"]


def test_with_no_trusted_proxy_the_app_sees_the_proxy(migrated_database, tmp_path):
    """TRUSTED_PROXIES=0: the proxy's X-Forwarded-* are ignored, by the app and by gunicorn
    (which would otherwise take X-Forwarded-Proto from 127.0.0.1): plain http, the proxy's
    Host and address."""
    with serving(migrated_database, tmp_path, trusted_proxies=0) as site:
        visitor = Visitor(site.proxy)
        assert visitor.sign_up("ada@example.org") == 302
        assert visitor.invite_link() == ("http", f"127.0.0.1:{site.app}")
        assert site.clients_counted() == ["127.0.0.1"]
        assert Visitor(site.proxy, host="evil.example").request("GET", "/login")[0] == 200

        forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        direct = Visitor(site.app, headers=forged | {"X-Forwarded-Host": "127.0.0.1"})
        assert direct.sign_up("bob@example.org") == 302
        assert site.clients_counted() == ["127.0.0.1", VISITOR]
        # A Host the app does not serve is refused, whatever it is forwarded for.
        assert Visitor(site.app, host="evil.example").request("GET", "/login")[0] == 400
