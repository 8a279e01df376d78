"""Signing bench families in over plain HTTP, the way a browser would, to get their cookies.

Production cookies are ``Secure`` and ``__Host-`` prefixed, so Python's HTTP clients would
never send them back over http://127.0.0.1. This tiny client keeps cookies itself, and opens a
new connection per request, so requests spread over the server's workers (the production
serving tests use it too).
"""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from bench.dataset import PASSWORD, PIN, device_token

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
DEVICE_COOKIE = "__Host-device"


class SignInFailed(Exception):
    """The app did not answer a sign-in step the way a working sign-in does."""


@dataclass(frozen=True)
class Response:
    status: int
    location: str
    body: str
    set_cookies: tuple[str, ...] = ()  # the Set-Cookie headers as sent, attributes and all


@dataclass
class Browser:
    """One browser: its own cookie jar, talking to the server at ``base``."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in sorted(self.cookies.items()))

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        parts = urlsplit(self.base)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            set_cookies = tuple(answer.headers.get_all("Set-Cookie") or [])
            self._keep_cookies(list(set_cookies))
            text = answer.read().decode("utf-8", "replace")
            return Response(answer.status, answer.headers.get("Location", ""), text, set_cookies)
        finally:
            connection.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Response:
        return self.request("POST", path, form)

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            name, _, rest = header.partition("=")
            value, *attributes = rest.split(";")
            expired = any(a.strip().lower() == "max-age=0" for a in attributes)
            if expired:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip()

    def form_token(self, path: str) -> str:
        """GET a page and read its CSRF token (the session cookie that goes with it is kept)."""
        page = self.get(path)
        match = CSRF_META.search(page.body)
        if page.status != 200 or not match:
            raise SignInFailed(f"GET {path} answered {page.status} without a CSRF token")
        return match.group(1)


def sign_in_guardian(base: str, email: str) -> str:
    """A guardian's own browser after signing in; returns its Cookie header."""
    browser = Browser(base)
    token = browser.form_token("/login")
    answer = browser.post("/login", {"email": email, "password": PASSWORD, "csrf_token": token})
    if answer.status != 302 or "/login" in answer.location:
        raise SignInFailed(f"{email} could not sign in ({answer.status})")
    return browser.cookie_header()


def unlock_child(base: str, family_id: int, child_id: int) -> str:
    """The family tablet with ``child_id`` unlocked by PIN; returns its Cookie header."""
    browser = Browser(base, {DEVICE_COOKIE: device_token(family_id)})
    path = f"/who/child/{child_id}"
    answer = browser.post(path, {"pin": PIN, "csrf_token": browser.form_token(path)})
    if answer.status != 302 or not answer.location.endswith("/me/"):
        raise SignInFailed(f"child {child_id} could not unlock ({answer.status})")
    return browser.cookie_header()
