"""Addresses that are really theirs: sign-up mails one confirmation link; an address change
needs a fresh password, is confirmed from the new address and told to the old one."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask

from supervisor.extensions import db
from supervisor.models import Guardian
from tests.conftest import PASSWORD, Auth, Client, FakeClock, deliver, text
from tests.mailbox import MailServer, Received

NEW = "ada.new@example.org"


def confirm_path(mail: Received) -> str:
    [link] = [u for u in mail.links() if "/account/confirm/" in u]
    return urlsplit(link).path


def words(mail: Received, subtype: str) -> str:
    """A part's text with HTML entities and typographic apostrophes read as plain ones."""
    return html.unescape(mail.part(subtype)).replace("\u2019", "'")


def guardian(app: Flask, email: str) -> Guardian | None:
    with app.app_context():
        found = db.session.scalar(sa.select(Guardian).where(Guardian.email == email))
        if found is not None:
            db.session.expunge(found)
        return found


def signed_up(app: Flask, client: Client, mail_server: MailServer) -> Received:
    assert Auth(client).signup().status_code == 302
    assert deliver(app) == 1
    [mail] = mail_server.received
    mail_server.clear()
    return mail


def test_sign_up_sends_exactly_one_mail_whose_link_confirms_once(
    app: Flask, client: Client, mail_server: MailServer, clock: FakeClock
) -> None:
    mail = signed_up(app, client, mail_server)
    assert mail.rcpt_tos == ["ada@example.org"]
    assert mail.subject == "Confirm your email address"
    for part in (words(mail, "plain"), words(mail, "html")):
        # Reset links and the account's own security notes still come before it is confirmed.
        assert "Until you confirm, this address gets only mail that keeps the account safe" in part
        assert "no other mail" not in part
        assert "this address was given as the sign-in address of Ada's Supervisor account" in part
        assert "belongs to a guardian's account" not in part and "family app" not in part
    assert "not confirmed yet" in text(client.get("/account"))
    assert "Your address is not confirmed yet" in text(client.get("/family/"))
    path = confirm_path(mail)
    stranger = Client(app)
    page = stranger.get(path)
    assert page.status_code == 200 and "Confirm this address" in text(page)
    assert "This link confirms ada@example.org as the address Ada signs in with." in text(page)
    assert guardian(app, "ada@example.org").email_confirmed_at is None  # a GET writes nothing
    done = stranger.submit(path, data={})
    assert done.status_code == 302 and done.location.endswith("/login")
    assert guardian(app, "ada@example.org").email_confirmed_at is not None
    assert "Your address is confirmed" in text(client.get("/account"))
    assert "not confirmed yet" not in text(client.get("/family/"))
    again = client.submit(path, data={}, follow_redirects=True)
    assert "already been used" in text(again)
    opened = client.get(path)  # the page says so before any button
    assert opened.status_code == 410 and "already been used" in text(opened)
    assert "<button" not in text(opened).split("<main")[1]


def test_the_thanks_name_the_links_owner_unless_they_are_the_one_signed_in(
    app: Flask, client: Client, mail_server: MailServer, clock: FakeClock
) -> None:
    path = confirm_path(signed_up(app, client, mail_server))
    other = Client(app)
    Auth(other).signup(email="grace@example.org", name="Grace", family="The Hoppers")
    warned = html.unescape(text(other.get(path)))
    assert "You are signed in as Grace; this link is for Ada's account." in warned
    done = other.submit(path, data={}, follow_redirects=True)
    assert "ada@example.org is confirmed as Ada's sign-in address" in html.unescape(text(done))
    assert "confirmed as your" not in text(done)
    mail_server.clear()
    deliver(app)  # Grace's own confirmation
    [mine] = [m for m in mail_server.received if m.rcpt_tos == ["grace@example.org"]]
    own = other.submit(confirm_path(mine), data={}, follow_redirects=True)
    assert "grace@example.org is confirmed as your sign-in address" in text(own)


def test_an_expired_or_superseded_link_does_not_confirm(
    app: Flask, client: Client, mail_server: MailServer, clock: FakeClock
) -> None:
    first = confirm_path(signed_up(app, client, mail_server))
    refused = client.submit("/account/confirmation", follow_redirects=True)
    assert "less than two minutes ago" in text(refused)
    assert deliver(app) == 0
    clock.advance(minutes=3)
    client.submit("/account/confirmation")
    assert deliver(app) == 1
    second = confirm_path(mail_server.received[0])
    assert "newer confirmation link" in text(client.submit(first, data={}, follow_redirects=True))
    assert "newer confirmation link" in text(client.get(first))
    clock.advance(days=8)
    assert "expired" in text(client.submit(second, data={}, follow_redirects=True))
    assert guardian(app, "ada@example.org").email_confirmed_at is None


def test_an_address_change_needs_a_fresh_password_and_the_new_address(
    app: Flask, client: Client, mail_server: MailServer, clock: FakeClock
) -> None:
    signed_up(app, client, mail_server)
    Auth(Client(app)).signup(email="grace@example.org", name="Grace", family="The Hoppers")
    deliver(app)
    mail_server.clear()
    clock.advance(minutes=6)  # the password was typed at sign-up, six minutes ago
    stale = client.submit("/account/details", data={"name": "Ada", "email": NEW})
    assert stale.status_code == 401 and "Confirm it" in text(stale)
    taken = client.submit(
        "/account/details",
        data={"name": "Ada", "email": "grace@example.org", "reauth_password": PASSWORD},
    )
    assert taken.status_code == 400
    assert "Another account already signs in with this email" in text(taken)
    asked = client.submit(
        "/account/details",
        data={"name": "Ada", "email": NEW, "reauth_password": PASSWORD},
        follow_redirects=True,
    )
    assert f"Waiting for you to confirm {NEW}" in text(asked)
    assert deliver(app) == 2
    mails = {m.rcpt_tos[0]: m for m in mail_server.received}
    assert mails[NEW].subject == "Confirm your new sign-in address"
    asking = mails[NEW]
    for part in (words(asking, "plain"), words(asking, "html")):
        assert (
            "because someone signed in to Ada's Supervisor account asked to sign in with "
            "this address" in part
        )
        assert "belongs to a guardian's account" not in part
    told = mails["ada@example.org"]
    assert told.subject == "Someone asked to change your sign-in address"
    assert NEW in told.part("plain") and "change your password" in told.part("plain")
    for part in ("plain", "html"):
        assert "Someone signed in to your account asked to move" in told.part(part)
        assert "signed in as you" not in told.part(part)
    assert "http://localhost/login" in told.links()
    assert 'href="http://localhost/login">sign in</a> and change your password' in told.part("html")
    # Nothing has moved yet: the old address still signs in, the new one does not.
    assert Auth(Client(app)).login().status_code == 302
    assert "don't match an account" in html.unescape(text(Auth(Client(app)).login(NEW)))
    mail_server.clear()
    done = client.submit(confirm_path(mails[NEW]), data={})
    assert done.status_code == 302 and done.location.endswith("/account")
    assert "don't match an account" in html.unescape(text(Auth(Client(app)).login()))
    assert Auth(Client(app)).login(NEW).status_code == 302
    assert guardian(app, NEW).email_confirmed_at is not None
    assert deliver(app) == 1
    [changed] = mail_server.received
    assert changed.rcpt_tos == ["ada@example.org"]
    assert changed.subject == "Your sign-in address was changed"
    assert NEW in changed.part("plain")


def test_a_confirmed_link_for_an_address_taken_meanwhile_is_refused_clearly(
    app: Flask, client: Client, mail_server: MailServer, clock: FakeClock
) -> None:
    signed_up(app, client, mail_server)
    client.submit("/account/details", data={"name": "Ada", "email": NEW})
    deliver(app)
    [link] = [confirm_path(m) for m in mail_server.received if m.rcpt_tos == [NEW]]
    assert Auth(Client(app)).signup(email=NEW, name="Nia", family="Others").status_code == 302
    refused = client.submit(link, data={}, follow_redirects=True)
    assert "Another account signs in with this address now" in text(refused)
    assert guardian(app, "ada@example.org") is not None


def test_a_resent_link_for_a_new_address_does_not_tell_the_old_one_again(
    app: Flask, client: Client, mail_server: MailServer, clock: FakeClock
) -> None:
    signed_up(app, client, mail_server)
    client.submit("/account/details", data={"name": "Ada", "email": NEW})
    assert deliver(app) == 2
    mail_server.clear()
    clock.advance(minutes=3)
    resent = client.submit("/account/confirmation", follow_redirects=True)
    assert f"A new confirmation link is on its way to {NEW}" in html.unescape(text(resent))
    clock.advance(minutes=3)
    again = {"name": "Ada", "email": NEW, "reauth_password": PASSWORD}
    assert client.submit("/account/details", data=again).status_code == 302  # asked again
    assert deliver(app) == 2
    assert [m.rcpt_tos for m in mail_server.received] == [[NEW], [NEW]]
    assert {m.subject for m in mail_server.received} == {"Confirm your new sign-in address"}
    mail_server.clear()
    other = "ada.other@example.org"
    another = {**again, "email": other}
    assert client.submit("/account/details", data=another).status_code == 302
    assert deliver(app) == 2
    told = [m for m in mail_server.received if m.rcpt_tos == ["ada@example.org"]]
    assert [m.subject for m in told] == ["Someone asked to change your sign-in address"]
    assert other in told[0].part("plain")
