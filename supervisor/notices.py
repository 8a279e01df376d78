"""Messages for guardians on the family page: what the child or another guardian did; and,
when the notice has a topic, the same by mail to each guardian who wants it."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from supervisor import clock, links
from supervisor.extensions import db
from supervisor.mail import outbox, unsubscribe
from supervisor.mail.topics import Topic
from supervisor.models import Guardian, Notification

HEADLINES = {
    Topic.SIGN_OFF_REQUEST: _l("A sign-off request is waiting"),
    Topic.SECOND_SIGNATURE: _l("A sign-off waits for your signature"),
    Topic.CHECKIN_TOMORROW: _l("A check-in is tomorrow"),
    Topic.CHECKIN_OVERDUE: _l("A check-in is overdue"),
    Topic.REFLECTION: _l("A new reflection"),
}
SUBJECT_LENGTH = 100  # a security notice's subject: its first sentence, cut near this


def notify_guardians(
    family_id: int,
    text: str,
    *,
    skip: Guardian | None = None,
    topic: Topic | None = None,
    in_app: bool = True,
) -> None:
    """A notification for every guardian of the family but ``skip`` (the one who acted);
    with a ``topic``, a mail too to each of them whose address is confirmed and who has not
    switched the topic off (security notices cannot be switched off). ``in_app=False``: the
    mail only, where the page already shows the matter in a card of its own."""
    guardians = db.session.scalars(
        sa.select(Guardian).where(Guardian.family_id == family_id, Guardian.left_at.is_(None))
    ).all()
    now = clock.now()
    told = [g for g in guardians if skip is None or g.id != skip.id]
    if in_app:
        db.session.add_all(
            Notification(family_id=family_id, guardian_id=g.id, created_at=now, text=text)
            for g in told
        )
    if topic is None:
        return
    for guardian in told:
        if wants(guardian, topic):
            mail_notice(guardian, topic, "notice", headline=headline(topic, text), text=text)


def headline(topic: Topic, text: str) -> str:
    """The subject of a notice's mail; a security notice says what happened, as the first
    sentence of its ``text`` tells it (``Security notice: Grace joined the family ...``)."""
    if topic is not Topic.SECURITY:
        return str(HEADLINES[topic])
    first = re.split(r"(?<=[.;])\s+", text.strip(), maxsplit=1)[0].rstrip(".;")
    if len(first) > SUBJECT_LENGTH:
        first = first.split(": ", 1)[0]  # what happened, before what it means
    if len(first) > SUBJECT_LENGTH:
        first = first[:SUBJECT_LENGTH].rsplit(" ", 1)[0] + " …"
    return _("Security notice: %(what)s", what=first)


def wants(guardian: Guardian, topic: Topic) -> bool:
    """Whether ``guardian`` gets mail on ``topic`` (a confirmed address, the topic on)."""
    return outbox.may_mail(guardian) and (
        topic is Topic.SECURITY or topic.value not in (guardian.mail_off or [])
    )


def mail_notice(
    guardian: Guardian,
    topic: Topic,
    kind: str,
    *,
    attachments: list[dict[str, str]] | None = None,
    **context: Any,
) -> None:
    """Queue mail ``kind`` on ``topic`` for ``guardian``, with the one-click unsubscribe
    headers when the topic is optional."""
    headers: dict[str, str] = {}
    unsubscribe_url = None
    if topic.optional:
        unsubscribe_url = links.absolute_url(
            "mail_choices.unsubscribe", token=unsubscribe.token(guardian.id, topic)
        )
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    outbox.to_guardian(
        kind,
        guardian,
        headers=headers,
        attachments=attachments,
        family_url=links.absolute_url("family.home"),
        family_name=guardian.family.name,
        unsubscribe_url=unsubscribe_url,
        choices_url=links.absolute_url("auth.account") + "#mail",
        topic_label=topic.label,
        **context,
    )
