"""Links that leave the site start with BASE_URL, and production serves no other host than
its own: a forged Host header can neither get an answer nor end up in a link sent out."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from flask import Flask

from config import ProductionConfig
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
