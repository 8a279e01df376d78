"""The outbox and its delivery: a message is a row of the change's transaction, the worker
sends it over real SMTP, retries with backoff and records its fate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from flask import Flask

from supervisor.accounts import recovery
from supervisor.extensions import db
from supervisor.mail import delivery, outbox, transport
from supervisor.models import Family, Guardian, OutboxMessage
from tests.conftest import FakeClock, deliver
from tests.mailbox import MailServer, queue_notice

ADDRESS = "sam@example.org"


def row(app: Flask, message_id: int) -> OutboxMessage:
    with app.app_context():
        found = db.session.get_one(OutboxMessage, message_id)
        db.session.expunge(found)
        return found


def test_a_queued_message_arrives_over_smtp_with_both_parts(
    app: Flask, mail_server: MailServer
) -> None:
    message_id = queue_notice(app, headers={"X-Test": "yes"})
    assert deliver(app) == 1
    [mail] = mail_server.received
    assert mail.rcpt_tos == [ADDRESS]
    assert mail.subject == "Ada asks for sign-off"
    assert mail.message["From"] == app.config["MAIL_FROM"]
    assert mail.message["From"].addresses[0].display_name == "Supervisor"  # as the app names it
    assert ">Supervisor</p>" in mail.part("html")
    assert mail.message["X-Test"] == "yes"
    assert mail.message["Message-ID"] and mail.message["Date"]
    assert "Hello Sam," in mail.part("plain")
    assert "Ada asks for sign-off on Instagram." in mail.part("html")
    assert mail.links() == ["https://supervisor.example.org/family/"]
    sent = row(app, message_id)
    assert (sent.status, sent.attempts) == (outbox.SENT, 1)
    assert sent.sent_at is not None
    assert sent.text_body is None and sent.html_body is None  # the mailbox keeps it, not us
    assert deliver(app) == 0  # sent once only


def test_a_rolled_back_change_sends_nothing(app: Flask, mail_server: MailServer) -> None:
    with app.test_request_context():
        db.session.begin()
        outbox.queue(
            "notice",
            ADDRESS,
            family_id=None,
            guardian={"name": "Sam"},
            headline="h",
            text="t",
            family_url="https://x.example/",
            unsubscribe_url=None,
        )
        db.session.flush()
        db.session.rollback()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert deliver(app) == 0
    assert mail_server.received == []


def test_a_temporary_refusal_is_tried_again_later_with_a_growing_wait(
    app: Flask, mail_server: MailServer, clock: FakeClock
) -> None:
    mail_server.handler.refuse[ADDRESS] = "451 Try again later"
    message_id = queue_notice(app)
    assert deliver(app) == 0
    waiting = row(app, message_id)
    assert (waiting.status, waiting.attempts) == (outbox.QUEUED, 1)
    assert waiting.next_attempt_at == clock.current + delivery.BACKOFF[0]
    assert "451" in (waiting.last_error or "")
    assert deliver(app) == 0  # not due yet: nothing is tried
    assert row(app, message_id).attempts == 1
    clock.advance(minutes=1)
    assert deliver(app) == 0
    assert row(app, message_id).next_attempt_at == clock.current + delivery.BACKOFF[1]
    del mail_server.handler.refuse[ADDRESS]
    clock.advance(minutes=5)
    assert deliver(app) == 1
    assert row(app, message_id).status == outbox.SENT
    assert len(mail_server.received) == 1


def test_after_the_last_try_the_message_has_failed(
    app: Flask, mail_server: MailServer, clock: FakeClock
) -> None:
    mail_server.handler.refuse[ADDRESS] = "451 Try again later"
    message_id = queue_notice(app)
    for wait in (timedelta(0), *delivery.BACKOFF):
        clock.current += wait
        deliver(app)
    failed = row(app, message_id)
    assert (failed.status, failed.attempts) == (outbox.FAILED, len(delivery.BACKOFF) + 1)
    clock.advance(days=2)
    assert deliver(app) == 0


def test_a_permanent_refusal_fails_at_once(app: Flask, mail_server: MailServer) -> None:
    mail_server.handler.refuse[ADDRESS] = "550 No such user here"
    message_id = queue_notice(app)
    assert deliver(app) == 0
    failed = row(app, message_id)
    assert (failed.status, failed.attempts) == (outbox.FAILED, 1)
    assert "550" in (failed.last_error or "")


def test_an_unreachable_server_is_tried_again(app: Flask, clock: FakeClock) -> None:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1, SMTP_STARTTLS=False)
    message_id = queue_notice(app)
    assert deliver(app) == 0
    waiting = row(app, message_id)
    assert waiting.status == outbox.QUEUED
    assert "ConnectionRefusedError" in (waiting.last_error or "")


def test_a_message_claimed_by_one_worker_is_not_sent_by_another(
    app: Flask, mail_server: MailServer, clock: FakeClock
) -> None:
    message_id = queue_notice(app)
    with app.app_context():
        assert delivery._claim_batch() == [message_id]
        assert delivery._claim_batch() == []  # a second worker finds it taken
    clock.current += delivery.CLAIM  # the first worker died: the claim runs out
    assert deliver(app) == 1


def test_without_a_mail_server_messages_are_written_to_the_mail_folder(app: Flask) -> None:
    app.config["SMTP_HOST"] = None
    with app.app_context():
        before = set(transport.folder().glob("*.eml"))  # the process's app is shared
    queue_notice(app)
    assert deliver(app) == 1
    with app.app_context():
        [path] = set(transport.folder().glob("*.eml")) - before
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Subject"] == "Ada asks for sign-off"
    assert message["To"] == ADDRESS


def test_a_template_without_a_subject_is_refused(app: Flask, tmp_path: object) -> None:
    with app.test_request_context(), pytest.raises(ValueError, match="no subject"):
        outbox.queue(
            "notice", ADDRESS, family_id=None, guardian={"name": "Sam"}, headline="", text=""
        )


@pytest.mark.parametrize("in_request", [True, False], ids=["request", "job"])
def test_a_time_in_a_mail_is_told_in_the_familys_zone_and_names_it(
    app: Flask, mail_server: MailServer, in_request: bool
) -> None:
    with app.app_context():
        family = Family(name="The Hoppers", country="US", timezone="America/New_York")
        db.session.add(family)
        db.session.flush()
        grace = Guardian(family_id=family.id, name="Grace", email=ADDRESS, password_hash="x")
        db.session.add(grace)
        db.session.commit()
        grace_id = grace.id
    with app.test_request_context() if in_request else app.app_context():
        guardian = db.session.get_one(Guardian, grace_id)
        recovery.password_changed(guardian, when=datetime(2026, 12, 2, 14, 2, tzinfo=UTC))
        db.session.commit()
    assert deliver(app) == 1
    [mail] = mail_server.received
    for part in ("plain", "html"):
        assert "was changed on 2 Dec 2026, 09:02 (New York time)," in mail.part(part)
