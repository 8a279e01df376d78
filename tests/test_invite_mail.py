"""Invites by email: the typed address gets the link, which opens the join page; joining
with that address leaves the new guardian confirmed. The copyable link stays."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask

from supervisor.extensions import db
from supervisor.models import Guardian, Invite
from tests.conftest import PASSWORD, Auth, Client, FakeClock, deliver, text
from tests.mailbox import MailServer

KIT = "kit@example.org"


def invite_path(mail_server: MailServer) -> str:
    [mail] = mail_server.received
    [link] = [u for u in mail.links() if "/invite/" in u]
    return urlsplit(link).path


def test_an_invite_mailed_to_an_address_arrives_and_joining_with_it_confirms(
    app: Flask, client: Client, mail_server: MailServer, clock: FakeClock
) -> None:
    Auth(client).signup()
    deliver(app)
    mail_server.clear()
    made = client.submit("/family/invites", data={"email": " Kit@Example.org "})
    assert made.status_code == 200
    page = html.unescape(text(made))
    assert f"It was also sent by email to <strong>{KIT}</strong>" in page
    assert 'readonly value="http' in text(made)  # the copyable link is still shown
    assert deliver(app) == 1
    [mail] = mail_server.received
    assert mail.rcpt_tos == [KIT]
    assert mail.subject == "Ada invites you to The Lovelaces"
    body = mail.part("plain")
    assert "until" in body and "approve" not in body
    path = invite_path(mail_server)
    mail_server.clear()
    family_page = text(client.get("/family/"))
    assert f"For {KIT}: made" in family_page and "by you" in family_page
    joiner = Client(app)
    join_page = text(joiner.get(path))
    assert "Join" in join_page and f'value="{KIT}"' in join_page  # the invited address, filled in
    assert f"The invite was mailed to {KIT}: joining with that address confirms it" in join_page
    assert "a guardian of The Lovelaces already" not in html.unescape(join_page)
    assert "a guardian of The Lovelaces already" in html.unescape(text(client.get(path)))
    joined = joiner.submit(
        path, data={"name": "Kit", "email": KIT, "password": PASSWORD, "confirm": PASSWORD}
    )
    assert joined.status_code == 302
    with app.app_context():
        kit = db.session.scalars(sa.select(Guardian).where(Guardian.email == KIT)).one()
        assert kit.email_confirmed_at is not None
    assert deliver(app) == 0  # no confirmation mail: the invite proved the mailbox


def test_joining_with_another_address_sends_a_confirmation(
    app: Flask, client: Client, mail_server: MailServer, clock: FakeClock
) -> None:
    Auth(client).signup()
    client.submit("/family/invites", data={"email": KIT})
    deliver(app)
    path = next(
        urlsplit(u).path for m in mail_server.received if m.rcpt_tos == [KIT] for u in m.links()
    )
    mail_server.clear()
    other = "kit.other@example.org"
    Client(app).submit(
        path, data={"name": "Kit", "email": other, "password": PASSWORD, "confirm": PASSWORD}
    )
    assert deliver(app) == 1
    [mail] = mail_server.received
    assert mail.rcpt_tos == [other] and mail.subject == "Confirm your email address"


def test_a_bad_address_is_refused_with_what_was_typed_kept(
    app: Flask, client: Client, clock: FakeClock
) -> None:
    Auth(client).signup()
    refused = client.submit("/family/invites", data={"email": "kit@@nowhere"})
    assert refused.status_code == 400
    page = html.unescape(text(refused))
    assert "That doesn't look like an email address." in page
    assert 'value="kit@@nowhere"' in page
    with app.app_context():
        assert db.session.scalars(sa.select(Invite)).all() == []


def test_an_invite_without_an_address_mails_nothing(
    app: Flask, client: Client, mail_server: MailServer, clock: FakeClock
) -> None:
    Auth(client).signup()
    deliver(app)
    mail_server.clear()
    assert client.submit("/family/invites", data={"email": ""}).status_code == 200
    assert deliver(app) == 0


def test_an_invite_to_a_guardian_of_the_family_is_refused(
    app: Flask, client: Client, mail_server: MailServer, clock: FakeClock
) -> None:
    Auth(client).signup()
    deliver(app)
    mail_server.clear()
    refused = client.submit("/family/invites", data={"email": "ADA@example.org"})
    assert refused.status_code == 400
    assert "ada@example.org is your own address: you are a guardian of The Lovelaces already." in (
        html.unescape(text(refused))
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Invite)) == 0
    assert deliver(app) == 0


def test_the_invite_says_what_supervisor_is_why_it_came_and_when_it_ends_in_the_familys_zone(
    app: Flask, client: Client, mail_server: MailServer, clock: FakeClock
) -> None:
    Auth(client).signup(country="US", timezone="America/New_York")
    deliver(app)
    mail_server.clear()
    client.submit("/family/invites", data={"email": KIT})
    deliver(app)
    [mail] = mail_server.received
    for part in (mail.part("plain"), html.unescape(mail.part("html"))):
        assert "Supervisor helps your family bring children onto social media step by step" in part
        # 72 hours from 2 Mar 2026, 09:00 UTC, told as the family reads its own times.
        assert "The link works once, until 5 Mar 2026, 04:00 (New York time)." in part
        assert "because Ada typed this address to invite you to The Lovelaces." in part
        assert "belongs to a guardian's account" not in part  # it belongs to no account yet
        assert "family app" not in part
