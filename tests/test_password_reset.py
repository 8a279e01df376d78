"""Password reset: "Forgot your password?" mails a one-time link (30 minutes, once, void once
a newer one is made or the password changes), throttled per address and per client; setting
the new password ends every session and is confirmed by mail."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask

from supervisor import clock as app_clock
from supervisor.accounts import recovery
from supervisor.extensions import db
from supervisor.models import AuditEvent, Guardian, Notification
from supervisor.notices import read
from tests.conftest import PASSWORD, Auth, Client, FakeClock, deliver, text
from tests.mailbox import MailServer

EMAIL = "ada@example.org"
NEW = "a brand new passphrase"
SENT = "If an account uses that address, we have sent it a link to set a new password."


def without_csrf(page: str) -> str:
    """The page without its CSRF tokens, which carry the second they were made."""
    return re.sub(r'(csrf[-_]token"\s+(?:content|value)=")[^"]*', r"\1", page)


def ask(client: Client, email: str = EMAIL):
    return client.submit("/password/forgot", data={"email": email})


def reset_path(mail_server: MailServer, index: int = -1) -> str:
    mail = [m for m in mail_server.received if "new password" in m.subject][index]
    [link] = [link for link in mail.links() if "/password/reset/" in link]
    return urlsplit(link).path


def set_new(client: Client, path: str, password: str = NEW):
    return client.submit(path, data={"password": password, "confirm": password})


@pytest.fixture
def ada(app: Flask, client: Client) -> Client:
    Auth(client).signup()
    Auth(client).logout()
    deliver(app)  # the sign-up's confirmation mail is out of the way
    return client


def test_the_sign_in_page_offers_the_way_back(client: Client) -> None:
    page = text(client.get("/login"))
    assert 'href="/password/forgot"' in page and "Forgot your password?" in page


def test_the_mailed_link_sets_a_new_password_and_ends_every_session(
    app: Flask, clock: FakeClock, ada: Client, mail_server: MailServer
) -> None:
    other = app.test_client()
    assert Auth(other).login().status_code == 302
    assert other.get("/family/").status_code == 200

    answer = ask(ada)
    assert answer.status_code == 200 and SENT in text(answer)
    assert "It works for 30 minutes." in text(answer)
    assert deliver(app) == 1
    [mail] = mail_server.received
    assert mail.rcpt_tos == [EMAIL]
    assert mail.subject == "Set a new password for your Supervisor account"
    assert mail.message["From"] == app.config["MAIL_FROM"]
    for part in ("plain", "html"):
        assert "30 minutes" in mail.part(part) and "only once" in mail.part(part)
        assert "ignore this mail" in mail.part(part)
    path = reset_path(mail_server)
    assert path in mail.part("plain") and path in mail.part("html")

    assert ada.get(path).status_code == 200
    done = set_new(ada, path)
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert "Your new password is set. Sign in with it." in text(ada.get("/login"))

    assert other.get("/family/").status_code == 302  # signed out on the server
    assert "match an account" in text(Auth(ada).login(password=PASSWORD))
    assert Auth(ada).login(password=NEW).status_code == 302

    assert deliver(app) == 1
    changed = mail_server.received[-1]
    assert changed.subject == "Your password was changed"
    assert changed.rcpt_tos == [EMAIL]
    for part in ("plain", "html"):
        assert "security notice" in changed.part(part)
        # The family's zone, named, in the same format as every other time the app shows.
        assert "was changed on 2 Mar 2026, 09:00 (London time)," in changed.part(part)
        assert "UTC" not in changed.part(part)
    assert "/password/forgot" in " ".join(changed.links())

    with app.app_context():
        guardian = db.session.scalars(sa.select(Guardian)).one()
        assert guardian.email_confirmed_at is not None  # the link proved the mailbox
        assert guardian.password_changed_at is not None
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        assert {"password_reset_request", "password_reset"} <= actions


def test_the_other_guardians_are_told(app: Flask, ada: Client, mail_server: MailServer) -> None:
    with app.test_request_context(), db.session.begin():
        guardian = db.session.scalars(sa.select(Guardian)).one()
        second = Guardian(
            family_id=guardian.family_id,
            name="Bo",
            email="bo@example.org",
            password_hash="x",
            email_confirmed_at=app_clock.now(),
        )
        db.session.add(second)
    ask(ada)
    deliver(app)
    set_new(ada, reset_path(mail_server))
    with app.test_request_context():
        [notice] = db.session.scalars(sa.select(Notification)).all()
        assert "Ada set a new password" in read(notice)
    mail_server.clear()
    deliver(app)
    [to_bo] = [m for m in mail_server.received if m.rcpt_tos == ["bo@example.org"]]
    assert "Ada set a new password" in to_bo.part("plain")
    assert to_bo.message["List-Unsubscribe"] is None  # a security notice


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    app: Flask, ada: Client, mail_server: MailServer
) -> None:
    known = without_csrf(text(ask(ada)))
    unknown = ask(ada, "nobody@example.org")
    assert unknown.status_code == 200
    assert without_csrf(text(unknown)) == known.replace(EMAIL, "nobody@example.org")
    assert deliver(app) == 1
    assert [m.rcpt_tos for m in mail_server.received] == [[EMAIL]]


def test_a_link_works_once(app: Flask, ada: Client, mail_server: MailServer) -> None:
    ask(ada)
    deliver(app)
    path = reset_path(mail_server)
    assert set_new(ada, path).status_code == 302
    again = ada.get(path)
    assert again.status_code == 410
    assert "Ask for a new one" in text(again) and 'href="/password/forgot"' in text(again)
    assert set_new(ada, path, "yet another passphrase").status_code == 410


def test_two_requests_racing_one_link_one_wins(
    app: Flask, ada: Client, mail_server: MailServer
) -> None:
    ask(ada)
    deliver(app)
    token = reset_path(mail_server).rsplit("/", 1)[-1]
    with app.test_request_context():
        first = recovery.find_reset(token)
        second = recovery.find_reset(token)
        assert isinstance(first, type(second)) and not isinstance(first, recovery.Problem)
        recovery.reset_password(first, NEW)
        with pytest.raises(recovery.AlreadyUsed):
            recovery.reset_password(second, "yet another passphrase")
        db.session.rollback()


def test_a_link_expires_after_thirty_minutes(
    app: Flask, ada: Client, mail_server: MailServer, clock: FakeClock
) -> None:
    ask(ada)
    deliver(app)
    path = reset_path(mail_server)
    clock.advance(minutes=31)
    assert ada.get(path).status_code == 410
    assert set_new(ada, path).status_code == 410


def test_a_newer_link_voids_the_older(app: Flask, ada: Client, mail_server: MailServer) -> None:
    ask(ada)
    ask(ada)
    assert deliver(app) == 2
    older, newer = reset_path(mail_server, 0), reset_path(mail_server, 1)
    assert older != newer
    assert ada.get(older).status_code == 410
    assert set_new(ada, newer).status_code == 302


def test_changing_the_password_voids_a_link(
    app: Flask, ada: Client, mail_server: MailServer, clock: FakeClock
) -> None:
    ask(ada)
    deliver(app)
    path = reset_path(mail_server)
    clock.advance(minutes=1)
    Auth(ada).login()
    changed = ada.submit(
        "/account", data={"current_password": PASSWORD, "password": NEW, "confirm": NEW}
    )
    assert changed.status_code == 302
    Auth(ada).logout()
    assert ada.get(path).status_code == 410


def test_a_weak_new_password_is_refused_with_a_reason(
    app: Flask, ada: Client, mail_server: MailServer
) -> None:
    ask(ada)
    deliver(app)
    path = reset_path(mail_server)
    short = set_new(ada, path, "short")
    assert short.status_code == 200 and "Use 10 to 128 characters" in text(short)
    common = set_new(ada, path, "password1234")
    assert "commonly used" in text(common)
    mismatch = ada.submit(path, data={"password": NEW, "confirm": NEW + "x"})
    assert "not the same" in text(mismatch)
    assert set_new(ada, path).status_code == 302  # still unused


def test_asking_is_throttled_per_address(app: Flask, ada: Client, mail_server: MailServer) -> None:
    app.config["RESET_MAX_PER_EMAIL"] = 2
    assert ask(ada).status_code == 200
    assert ask(ada).status_code == 200
    over = ask(ada)
    assert over.status_code == 429
    assert "Too many attempts to ask for a password reset link" in text(over)
    assert f'value="{EMAIL}"' in text(over)  # the form is kept
    assert deliver(app) == 2
    assert ask(ada, "other@example.org").status_code == 200


def test_asking_is_throttled_per_client(app: Flask, ada: Client) -> None:
    app.config["RESET_MAX_PER_CLIENT"] = 2
    assert ask(ada, "one@example.org").status_code == 200
    assert ask(ada, "two@example.org").status_code == 200
    assert ask(ada, "three@example.org").status_code == 429
    elsewhere = app.test_client()
    answer = elsewhere.submit(
        "/password/forgot",
        data={"email": "three@example.org"},
        environ_base={"REMOTE_ADDR": "192.0.2.9"},
    )
    assert answer.status_code == 200


def test_the_operator_command_prints_a_working_link(
    app: Flask, ada: Client, mail_server: MailServer
) -> None:
    result = app.test_cli_runner().invoke(args=["supervisor", "reset-link", "Ada@Example.org"])
    assert result.exit_code == 0, result.output
    [url] = [line for line in result.output.splitlines() if "/password/reset/" in line]
    assert "30 minutes" in result.output
    assert set_new(ada, urlsplit(url).path).status_code == 302
    assert Auth(ada).login(password=NEW).status_code == 302
    with app.app_context():
        actors = set(
            db.session.scalars(
                sa.select(AuditEvent.actor).where(AuditEvent.action == "password_reset_link")
            )
        )
        assert actors == {"operator"}


def test_the_operator_command_says_when_no_account_uses_the_address(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["supervisor", "reset-link", "no@example.org"])
    assert result.exit_code == 1
    assert "No account signs in with no@example.org." in result.output
