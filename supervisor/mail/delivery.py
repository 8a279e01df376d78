"""Sending the outbox: the worker's side of ``outbox``.

Each message is first claimed by a conditional UPDATE (so two workers never both take it),
sent outside any transaction, then its fate is recorded: sent, tried again later with a
growing delay, or failed for good after a permanent refusal or the last try. A worker that
dies while sending loses its claim after ``CLAIM``, and the message is sent again (mail is
delivered at least once).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from supervisor import clock
from supervisor.db import rows_changed
from supervisor.extensions import db
from supervisor.mail import transport
from supervisor.mail.outbox import FAILED, QUEUED, SENT
from supervisor.models import OutboxMessage

CLAIM = timedelta(minutes=5)
# The wait after each failed try; after the last, the message has failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
BATCH = 50


def deliver_due() -> int:
    """Send every message that is due now; returns how many were sent."""
    sent = 0
    while claimed := _claim_batch():
        for message_id in claimed:
            sent += deliver(message_id)
    return sent


def deliver(message_id: int) -> bool:
    """Send one claimed message and record its fate; True when it was sent."""
    with db.session.begin():
        row = db.session.get_one(OutboxMessage, message_id)
        message = build(row)
    try:
        transport.send(message)
    except transport.PermanentFailure as error:
        _record_failure(message_id, str(error), permanent=True)
        return False
    except Exception as error:
        current_app.logger.warning("Sending mail %s failed", message_id, exc_info=True)
        _record_failure(message_id, f"{type(error).__name__}: {error}", permanent=False)
        return False
    with db.session.begin():
        row = db.session.get_one(OutboxMessage, message_id)
        row.status = SENT
        row.sent_at = clock.now()
        row.attempts += 1
        row.claimed_until = None
        row.last_error = None
        row.text_body = row.html_body = None  # the mailbox keeps the message, not this table
        row.attachments = []
    return True


def build(row: OutboxMessage) -> EmailMessage:
    """The MIME message of an outbox row: plain text and HTML, then any attachments."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = make_msgid(f"outbox-{row.id}", domain=_domain())
    for name, value in row.headers.items():
        message[name] = value
    message.set_content(row.text_body or "")
    message.add_alternative(row.html_body or "", subtype="html")
    for attachment in row.attachments:
        maintype, subtype = attachment["content_type"].split("/", 1)
        message.add_attachment(
            attachment["content"].encode(),
            maintype=maintype,
            subtype=subtype,
            filename=attachment["filename"],
        )
    return message


def _claim_batch() -> list[int]:
    """Claim up to ``BATCH`` due messages for this worker."""
    now = clock.now()
    with db.session.begin():
        due = db.session.scalars(
            sa.select(OutboxMessage.id)
            .where(_claimable(now), OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(BATCH)
        ).all()
        claimed = []
        for message_id in due:
            result = db.session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.id == message_id, _claimable(now))
                .values(claimed_until=now + CLAIM)
                .execution_options(synchronize_session=False)
            )
            if rows_changed(result) == 1:
                claimed.append(message_id)
    return claimed


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        OutboxMessage.status == QUEUED,
        sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
    )


def _record_failure(message_id: int, error: str, *, permanent: bool) -> None:
    with db.session.begin():
        row = db.session.get_one(OutboxMessage, message_id)
        row.attempts += 1
        row.claimed_until = None
        row.last_error = error[:500]
        if permanent or row.attempts > len(BACKOFF):
            row.status = FAILED
        else:
            row.next_attempt_at = clock.now() + BACKOFF[row.attempts - 1]


def _domain() -> str:
    """The domain of Message-IDs: the site's own, where it is known."""
    base = current_app.config.get("BASE_URL")
    return (urlsplit(base).hostname if base else None) or "supervisor.invalid"
