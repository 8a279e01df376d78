"""Headers, cookies, error pages and the secret key (security targets 12, 14 and 15)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from config import DevelopmentConfig, ProductionConfig, TestingConfig
from supervisor.app import _instance_secret_key, create_app
from tests.conftest import PASSWORD, text


def test_security_headers_on_every_page(auth, client):
    """Security target 14."""
    pages = ["/", "/login", "/signup", "/no-such-page"]
    auth.signup()
    pages += ["/family/", "/account", "/family/children/new"]
    for path in pages:
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        for directive in (
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "script-src 'self'",
            "default-src 'self'",
        ):
            assert directive in csp, (path, directive)
        assert "unsafe-inline" not in csp and "http" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        hsts = response.headers["Strict-Transport-Security"]
        assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000
        assert response.headers["Cache-Control"] == "no-store", path


def test_pages_have_no_inline_script_or_foreign_host(auth, client):
    auth.signup()
    for path in ["/", "/login", "/signup", "/family/", "/account", "/family/children/new"]:
        page = text(client.get(path, follow_redirects=True))
        # A script only as a file of this site (the CSP would refuse an inline one anyway).
        tags = re.findall(r"<script\b[^>]*>", page)
        own = r'<script src="/static/[a-z]+\.js"( data-worker="/service-worker\.js")? defer>'
        assert all(re.fullmatch(own, t) for t in tags), path
        assert "style=" not in page, path
        for attribute in ('src="http', 'href="http', 'src="//', 'href="//'):
            assert attribute not in page, (path, attribute)


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')


def test_a_page_carries_the_csrf_token_its_session_accepts(auth, client):
    """Every page carries this session's token, in its head and in each form, and a form sent
    with it is accepted; so is the token that ``Client.csrf_token`` makes without a page,
    which every other test sends."""
    auth.signup()
    auth.logout()
    page = text(client.get("/login"))
    meta, field = CSRF_META.search(page), CSRF_FIELD.search(page)
    assert meta and field and meta.group(1) == field.group(1)
    data = {"csrf_token": field.group(1), "email": "ada@example.org", "password": PASSWORD}
    assert client.post("/login", data=data).status_code == 302
    assert CSRF_META.search(text(client.get("/family/"))), "the family page carries no token"
    response = client.post("/logout", data={"csrf_token": client.csrf_token()})
    assert response.status_code == 302
    assert client.get("/family/").status_code == 302  # signed out: the token was good


def test_session_cookie_flags(app, auth, client):
    """Security target 12: __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain."""
    response = auth.signup()
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("__Host-session="))
    attributes = [part.strip().lower() for part in session_cookie.split(";")[1:]]
    assert "secure" in attributes and "httponly" in attributes
    assert "samesite=lax" in attributes and "path=/" in attributes
    assert not any(a.startswith("domain") for a in attributes)
    assert not any(a.startswith(("expires", "max-age")) for a in attributes)
    assert not any("remember" in c.lower() for c in cookies)


@pytest.mark.own_app  # it adds a page
def test_forced_exception_gives_generic_500(app, client):
    """Security target 15: no traceback, SQL or secret on the page."""

    @app.get("/boom")
    def boom():
        raise RuntimeError("SELECT secret FROM password WHERE key='test-secret-key'")

    response = client.get("/boom")
    assert response.status_code == 500
    page = text(response)
    assert "Something went wrong on our side" in page
    for leak in ("Traceback", "SELECT", "test-secret-key", "RuntimeError"):
        assert leak not in page


def test_custom_not_found_page(client):
    response = client.get("/family/children/999/nothing")
    assert response.status_code == 404
    assert "Page not found" in text(response) and "Supervisor" in text(response)


def test_production_runs_without_debug_and_needs_a_secret_key(monkeypatch):
    """Security target 15; the key is never invented in production."""
    monkeypatch.delenv("SUPERVISOR_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SUPERVISOR_SECRET_KEY"):
        create_app(ProductionConfig, {"DATABASE_URL": "sqlite://"})
    monkeypatch.setenv("SUPERVISOR_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("SUPERVISOR_BASE_URL", "https://supervisor.example")
    app = create_app(ProductionConfig, {"DATABASE_URL": "sqlite://"})
    assert app.debug is False
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")


def test_development_key_is_generated_once_into_instance_folder(tmp_path):
    app = Flask("keytest", instance_path=str(tmp_path / "instance"))
    app.config.from_object(DevelopmentConfig)
    key = _instance_secret_key(app)
    assert len(key) == 64
    assert _instance_secret_key(app) == key
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_variables_override_config(monkeypatch):
    monkeypatch.setenv("SUPERVISOR_LOGIN_MAX_FAILURES", "3")
    app = create_app(TestingConfig, {"DATABASE_URL": "sqlite://", "SECRET_KEY": "k"})
    assert app.config["LOGIN_MAX_FAILURES"] == 3
