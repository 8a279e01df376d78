"""The development mail page: with no SMTP host, the worker writes each message to the mail
folder, and /dev/mail lists them and shows each with its links. It is never in production."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask

from config import ProductionConfig
from supervisor.app import create_app
from supervisor.extensions import db
from supervisor.mail import transport
from supervisor.web.dev_mail import linked
from tests.conftest import Auth, Client, deliver, make_app, text

NEW = "a brand new passphrase"


@pytest.fixture
def dev_app(app: Flask) -> Iterator[Flask]:
    """An app with the page on, on the test's database, writing mail to its folder."""
    own = make_app(app.config["DATABASE_URL"], DEV_MAIL_PAGE=True, SMTP_HOST=None)
    yield own
    with own.app_context():
        db.engine.dispose()


def rules(app: Flask) -> set[str]:
    return {rule.rule for rule in app.url_map.iter_rules()}


def test_production_never_has_the_page(app: Flask) -> None:
    settings = {
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": "k",
        "BASE_URL": "https://supervisor.example",
        "DEV_MAIL_PAGE": True,  # even when the environment asks for it
    }
    production = create_app(ProductionConfig, settings)
    try:
        assert not any(rule.startswith("/dev/") for rule in rules(production))
        assert "dev_mail" not in production.blueprints
    finally:
        with production.app_context():
            db.engine.dispose()


def test_the_page_is_off_unless_asked_for(app: Flask) -> None:
    assert not app.config["DEV_MAIL_PAGE"]
    assert "/dev/mail" not in rules(app)


def test_a_development_app_has_the_page(dev_app: Flask) -> None:
    assert {"/dev/mail", "/dev/mail/<name>"} <= rules(dev_app)


def test_a_written_reset_mail_is_listed_and_its_link_works(dev_app: Flask) -> None:
    client: Client = dev_app.test_client()
    assert "No mail has been written yet" in text(client.get("/dev/mail"))
    Auth(client).signup()
    Auth(client).logout()
    client.submit("/password/forgot", data={"email": "ada@example.org"})
    assert deliver(dev_app) == 2  # the sign-up's confirmation, then the reset
    with dev_app.app_context():
        written = sorted(transport.folder().glob("*.eml"))[-1]  # the newest: the reset

    listing = client.get("/dev/mail")
    assert listing.status_code == 200
    page = text(listing)
    assert "ada@example.org" in page
    assert "Set a new password for your Supervisor account" in page
    assert f'href="/dev/mail/{written.name}"' in page

    shown = client.get(f"/dev/mail/{written.name}")
    assert shown.status_code == 200
    body = text(shown)
    assert "Subject" in body and "ada@example.org" in body
    [link] = [
        part.split('"')[0] for part in body.split('<a href="')[1:] if "/password/reset/" in part
    ]
    done = client.submit(urlsplit(link).path, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302
    assert Auth(client).login(password=NEW).status_code == 302


def test_only_a_written_file_is_shown(dev_app: Flask) -> None:
    client = dev_app.test_client()
    with dev_app.app_context():
        folder = transport.folder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder.parent / "secret.eml").write_text("Subject: not in the folder\n\nhidden\n")
    for name in ("secret.eml", "..%2Fsecret.eml", "nothing.eml", "%2E%2E"):
        assert client.get(f"/dev/mail/{name}").status_code == 404, name


def test_text_is_escaped_and_links_made_clickable() -> None:
    html = str(linked('<b>hi</b> see https://a.example/x?y=1&z=2 "done"'))
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert '<a href="https://a.example/x?y=1&amp;z=2">' in html
