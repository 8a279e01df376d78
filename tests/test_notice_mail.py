"""Notices by mail (issue 17, item 7): who gets which, the one-click unsubscribe (RFC 8058),
each guardian's choices on the account page, and security notices nobody can switch off."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from supervisor import clock as app_clock
from supervisor.extensions import db
from supervisor.mail import unsubscribe
from supervisor.mail.topics import OPTIONAL, Topic
from supervisor.models import Guardian, Notification
from supervisor.notices import SUBJECT_LENGTH, headline, notice, notify_guardians, read
from tests.conftest import deliver, drain, text
from tests.test_tracks import add_second_guardian, start_family, tick_everything


def confirm(app, email: str) -> None:
    """Mark ``email`` as confirmed (confirmation itself is tested with its own pages)."""
    with app.app_context():
        guardian = db.session.scalars(sa.select(Guardian).where(Guardian.email == email)).one()
        guardian.email_confirmed_at = app_clock.now()
        db.session.commit()


def mail_off(app, email: str) -> list[str]:
    with app.app_context():
        return db.session.scalars(sa.select(Guardian.mail_off).where(Guardian.email == email)).one()


def notify(app, email: str, topic: Topic, words: str = "Something happened.") -> None:
    """A notice on ``topic`` for the family of ``email``, as an operation sends it."""
    with app.test_request_context():
        guardian = db.session.scalars(sa.select(Guardian).where(Guardian.email == email)).one()
        notify_guardians(guardian.family_id, notice(words), topic=topic)
        db.session.commit()


def test_a_sign_off_request_mails_confirmed_guardians_and_unsubscribes_in_one_click(
    app, clock, mail_server
):
    family = start_family(app)
    grace = add_second_guardian(app, family.guardian)  # her address is not confirmed
    confirm(app, "ada@example.org")
    drain(app)
    tick_everything(family.guardian, family.track_id)
    asked = family.tablet.submit(f"/me/tracks/{family.track_id}/request", data={"note": "Ready"})
    assert asked.status_code == 302
    assert deliver(app) == 1
    (mail,) = mail_server.received
    assert mail.rcpt_tos == ["ada@example.org"]
    assert "Mo asks for sign-off on" in mail.part("plain")
    assert "Mo asks for sign-off on" in mail.part("html")
    # Nobody chose this topic: every topic is on until its guardian switches it off.
    assert 'because "A child asks for sign-off" is switched on in your mail choices' in mail.part(
        "plain"
    )
    assert "because “A child asks for sign-off” is switched on" in mail.part("html")
    assert "you chose" not in mail.part("plain") + mail.part("html")
    assert 'href="http://localhost/account#mail">change your mail choices</a>' in mail.part("html")
    assert "http://localhost/account#mail" in mail.links()
    url = mail.message["List-Unsubscribe"].strip("<>")
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in mail.links()
    # A GET shows a button and changes nothing.
    stranger = app.test_client()
    page = stranger.get(url)
    assert page.status_code == 200 and "Stop these mails" in text(page)
    assert mail_off(app, "ada@example.org") == []
    # The mail client's one-click POST: no CSRF token, no session.
    done = stranger.post(url, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200, text(done)
    assert "/account" in text(done) and "A child asks for sign-off" in text(done)
    assert mail_off(app, "ada@example.org") == [Topic.SIGN_OFF_REQUEST.value]
    assert "each child's request for sign-off" in html.unescape(text(done))
    # Opened again: it says they are stopped, and offers no button.
    again = text(stranger.get(url))
    assert "These mails are already stopped" in again and "<form" not in again.split("<main")[1]
    # Grace, signed in on this browser, is told whose mail the link is about.
    grace_view = html.unescape(text(grace.get(url)))
    assert "This link is for Ada's mail, not yours." in grace_view
    assert "This link is for" not in html.unescape(text(family.guardian.get(url)))
    # The next such notice: on the family page, but no mail.
    mail_server.clear()
    notify(app, "ada@example.org", Topic.SIGN_OFF_REQUEST, "Mo asks again.")
    assert deliver(app) == 0 and mail_server.received == []
    assert "Mo asks again." in text(family.guardian.get("/family/"))
    with app.test_request_context():
        told = [read(note) for note in db.session.scalars(sa.select(Notification))]
        assert told.count("Mo asks again.") == 2


def test_bad_unsubscribe_tokens_are_404_and_security_has_none(app):
    client = app.test_client()
    assert client.get("/mail/unsubscribe/made-up").status_code == 404
    assert client.post("/mail/unsubscribe/made-up").status_code == 404
    with app.test_request_context(), pytest.raises(ValueError):
        unsubscribe.token(1, Topic.SECURITY)


def test_security_notices_always_come_without_an_unsubscribe(app, clock, mail_server):
    family = start_family(app)
    confirm(app, "ada@example.org")
    drain(app)
    everything_off = family.guardian.submit("/account/mail", data={})
    assert everything_off.status_code == 302
    assert sorted(mail_off(app, "ada@example.org")) == sorted(t.value for t in OPTIONAL)
    grace = add_second_guardian(app, family.guardian)  # a new guardian joined
    grace.submit("/family/devices/", data={"name": "Grace's tablet"})  # a tablet was set up
    deliver(app)
    to_ada = [m for m in mail_server.received if m.rcpt_tos == ["ada@example.org"]]
    assert len(to_ada) == 2  # Grace herself gets only her address's confirmation
    assert [m.rcpt_tos for m in mail_server.received if m not in to_ada] == [["grace@example.org"]]
    for mail in to_ada:
        assert mail.message["List-Unsubscribe"] is None
        assert mail.message["List-Unsubscribe-Post"] is None
        assert "cannot be switched off" in mail.part("plain")
        for part in ("plain", "html"):
            assert "because you are a guardian of The Lovelaces" in mail.part(part)
    # The subject says what happened, not only that something did.
    assert sorted(m.subject for m in to_ada) == [
        "Security notice: Grace (grace@example.org) joined the family as a guardian, with an "
        "invite link made by Ada",
        "Security notice: Grace made a browser the family tablet “Grace's tablet”",
    ]
    assert "Grace" in mail_server.received[0].part("plain")


def test_a_security_notice_subject_is_its_first_sentence_cut_short_when_long():
    assert headline(
        Topic.SECURITY, "Ada changed their password; their devices were signed out."
    ) == ("Security notice: Ada changed their password")
    long = "Ada removed “" + "a very long checklist item " * 8 + "” from the checklist."
    cut = headline(Topic.SECURITY, long)
    assert cut.startswith("Security notice: Ada removed “a very long") and cut.endswith(" …")
    assert len(cut) <= len("Security notice: ") + SUBJECT_LENGTH + 2
    assert headline(Topic.REFLECTION, "Mo wrote.") == "A new reflection"


def test_the_account_page_choices_work_for_each_topic(app, clock, mail_server):
    family = start_family(app)
    page = text(family.guardian.get("/account"))
    assert "none of the mails below are sent to it until it is" in page
    assert "Security notices always come" in page
    confirm(app, "ada@example.org")
    drain(app)
    assert "none of the mails below are sent to it until it is" not in text(
        family.guardian.get("/account")
    )
    for topic in OPTIONAL:
        wanted = [t.value for t in OPTIONAL if t is not topic]
        saved = family.guardian.submit("/account/mail", data={"topics": wanted})
        assert saved.status_code == 302
        assert mail_off(app, "ada@example.org") == [topic.value]
        page = text(family.guardian.get("/account"))
        for other in OPTIONAL:
            box = re.search(rf'<input[^>]*value="{other.value}"[^>]*>', page).group(0)
            assert ("checked" in box) is (other is not topic), box
        mail_server.clear()
        notify(app, "ada@example.org", topic)
        assert deliver(app) == 0
        other = next(t for t in OPTIONAL if t is not topic)
        notify(app, "ada@example.org", other)
        assert deliver(app) == 1
        assert mail_server.received[0].message["List-Unsubscribe"]
    family.guardian.submit("/account/mail", data={"topics": [t.value for t in OPTIONAL]})
    assert mail_off(app, "ada@example.org") == []


def test_a_childs_session_cannot_reach_the_choices(app, clock):
    family = start_family(app)
    assert family.tablet.get("/account").status_code == 403
    assert family.tablet.submit("/account/mail", data={}).status_code == 403
