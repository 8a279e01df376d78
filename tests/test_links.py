"""Links that leave the site start with BASE_URL, and production serves no other host than
its own: a forged Host header can neither get an answer nor end up in a link sent out."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from flask import Flask

from config import ProductionConfig, TestingConfig
from supervisor.app import create_app
from supervisor.extensions import db
from tests.conftest import Auth, Client, text

BASE = "https://supervisor.example"


@pytest.fixture
def production(app: Flask) -> Iterator[Flask]:
    """The app with production settings, on the test's database."""
    settings = {"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "k", "BASE_URL": BASE}
    production = create_app(ProductionConfig, settings)
    production.test_client_class = Client
    yield production
    with production.app_context():
        db.engine.dispose()


def test_production_refuses_a_host_it_does_not_serve(production):
    client = production.test_client()
    for path in ("/", "/login", "/no-such-page", "/invite/x"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 400, path
        page = html.unescape(text(response))
        assert "That didn't work" in page and "evil.example" not in page
    assert client.post("/login", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", base_url=BASE).status_code == 200


def test_links_sent_out_start_with_the_base_url(app, production):
    """Even a host production trusts is not the one links name: BASE_URL is."""
    production.config["TRUSTED_HOSTS"] = ["supervisor.example", "localhost"]
    client = production.test_client()  # asks for localhost
    Auth(client).signup()
    invite = text(client.submit("/family/invites"))
    assert re.search(r'value="https://supervisor\.example/invite/[\w-]+"', invite)
    calendar = text(client.submit("/family/calendar"))
    assert re.search(r'value="https://supervisor\.example/calendar/[\w-]+\.ics"', calendar)
    assert "localhost" not in invite + calendar


def test_production_needs_a_base_url(monkeypatch):
    monkeypatch.delenv("SUPERVISOR_BASE_URL", raising=False)
    settings = {"DATABASE_URL": "sqlite://", "SECRET_KEY": "k"}
    with pytest.raises(RuntimeError, match="Set SUPERVISOR_BASE_URL"):
        create_app(ProductionConfig, settings)
    for wrong in ("supervisor.example", "ftp://supervisor.example", "https://x.example/?a=1"):
        with pytest.raises(RuntimeError, match="SUPERVISOR_BASE_URL must be"):
            create_app(ProductionConfig, {**settings, "BASE_URL": wrong})
    app = create_app(ProductionConfig, {**settings, "BASE_URL": BASE})
    assert app.config["TRUSTED_HOSTS"] == ["supervisor.example"]


def test_trusted_hosts_come_from_the_environment_as_a_list(monkeypatch):
    """Comma-separated (or JSON); BASE_URL's host is always among them in production."""
    settings = {"DATABASE_URL": "sqlite://", "SECRET_KEY": "k", "BASE_URL": BASE}
    monkeypatch.setenv("SUPERVISOR_TRUSTED_HOSTS", " 10.0.0.5, .internal.example ,")
    app = create_app(ProductionConfig, settings)
    assert app.config["TRUSTED_HOSTS"] == ["supervisor.example", "10.0.0.5", ".internal.example"]
    monkeypatch.setenv("SUPERVISOR_TRUSTED_HOSTS", '["supervisor.example", "10.0.0.5"]')
    app = create_app(ProductionConfig, settings)
    assert app.config["TRUSTED_HOSTS"] == ["supervisor.example", "10.0.0.5"]
    monkeypatch.setenv("SUPERVISOR_TRUSTED_HOSTS", "")
    assert create_app(ProductionConfig, settings).config["TRUSTED_HOSTS"] == ["supervisor.example"]
    monkeypatch.setenv("SUPERVISOR_TRUSTED_HOSTS", "3")  # JSON for a number, not a host
    with pytest.raises(RuntimeError, match="SUPERVISOR_TRUSTED_HOSTS must list"):
        create_app(ProductionConfig, settings)


def test_trusted_hosts_are_enforced_outside_production_too(app, monkeypatch):
    monkeypatch.delenv("SUPERVISOR_BASE_URL", raising=False)
    settings = {"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "k"}
    anyhost = create_app(TestingConfig, settings)
    assert anyhost.test_client().get("/login", headers={"Host": "evil.example"}).status_code == 200
    monkeypatch.setenv("SUPERVISOR_TRUSTED_HOSTS", "supervisor.test,localhost")
    listed = create_app(TestingConfig, settings)
    client = listed.test_client()
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", headers={"Host": "supervisor.test"}).status_code == 200
    for each in (anyhost, listed):
        with each.app_context():
            db.engine.dispose()


def test_behind_a_trusted_proxy_its_host_must_be_served_too(production):
    """With TRUSTED_PROXIES=1 the host checked is the one the proxy forwards."""
    settings = {"DATABASE_URL": production.config["DATABASE_URL"], "SECRET_KEY": "k"}
    behind = create_app(ProductionConfig, {**settings, "BASE_URL": BASE, "TRUSTED_PROXIES": 1})
    client = behind.test_client()
    forwarded = {"Host": "127.0.0.1:8000", "X-Forwarded-Proto": "https"}
    ours = client.get("/login", headers={**forwarded, "X-Forwarded-Host": "supervisor.example"})
    assert ours.status_code == 200
    theirs = client.get("/login", headers={**forwarded, "X-Forwarded-Host": "evil.example"})
    assert theirs.status_code == 400
    # Not behind a proxy, X-Forwarded-Host is nobody's word: the Host header is checked.
    plain = production.test_client().get(
        "/login", headers={**forwarded, "X-Forwarded-Host": "supervisor.example"}
    )
    assert plain.status_code == 400
    with behind.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("hops", [-1, "one", True, 1.5])
def test_trusted_proxies_must_be_a_count(hops):
    settings = {"DATABASE_URL": "sqlite://", "SECRET_KEY": "k", "TRUSTED_PROXIES": hops}
    with pytest.raises(RuntimeError, match="SUPERVISOR_TRUSTED_PROXIES must be"):
        create_app(TestingConfig, settings)


def test_the_former_name_of_trusted_proxies_stops_the_app(monkeypatch):
    """An old SUPERVISOR_PROXY_HOPS ignored would count every visitor as the proxy."""
    monkeypatch.setenv("SUPERVISOR_PROXY_HOPS", "1")
    with pytest.raises(RuntimeError, match="now called SUPERVISOR_TRUSTED_PROXIES"):
        create_app(TestingConfig, {"DATABASE_URL": "sqlite://", "SECRET_KEY": "k"})
