"""Writing mail: a message is rendered from its templates and added to the request's (or
the job's) transaction as an ``OutboxMessage``. Nothing here talks to a mail server: the
worker sends what was committed (``delivery``), so a change rolled back sends nothing.

Each kind of message has two templates, ``templates/mail/<kind>.txt`` and ``.html``; the
text one sets ``subject`` (``{% set subject = "..." %}``). Both get ``zone``, the family's
time zone, for ``when_in``: a mail is read anywhere, so its times name their zone.

A mail speaks its recipient's language: a guardian's own choice, else the language their
pages were last shown in (``language_of``); mail to an address with no account yet (an
invite) speaks the language of the page that sent it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale, get_locale

from supervisor import clock
from supervisor.extensions import db
from supervisor.models import Family, Guardian, OutboxMessage

QUEUED = "queued"
SENT = "sent"
FAILED = "failed"
WAKE = "mail_queued"  # set in the session's info: the worker is woken after the COMMIT


def queue(
    kind: str,
    to: str,
    *,
    family_id: int | None,
    guardian_id: int | None = None,
    headers: Mapping[str, str] | None = None,
    attachments: list[dict[str, str]] | None = None,
    language: str | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render mail ``kind`` for ``to`` with ``context`` in ``language`` (by default the
    page's, or the first offered outside a request) and add it to the outbox."""
    context = {"zone": _zone(family_id), **context}
    with force_locale(language or str(get_locale() or _offered()[0])):
        template = current_app.jinja_env.get_template(f"mail/{kind}.txt")
        module = template.make_module({**_defaults(), **context})
        subject = " ".join(str(getattr(module, "subject", "")).split())
        if not subject:
            raise ValueError(f"mail/{kind}.txt sets no subject")
        text_body = str(module).strip() + "\n"
        html_body = _html(kind, subject, context)
    message = OutboxMessage(
        family_id=family_id,
        guardian_id=guardian_id,
        kind=kind,
        to_address=to,
        subject=subject[:200],
        text_body=text_body,
        html_body=html_body,
        headers=dict(headers or {}),
        attachments=list(attachments or []),
        created_at=clock.now(),
        status=QUEUED,
        attempts=0,
        next_attempt_at=clock.now(),
    )
    db.session.add(message)
    db.session.info[WAKE] = True
    return message


def to_guardian(
    kind: str,
    guardian: Guardian,
    *,
    to: str | None = None,
    headers: Mapping[str, str] | None = None,
    attachments: list[dict[str, str]] | None = None,
    **context: Any,
) -> OutboxMessage:
    """Mail ``kind`` to ``guardian`` (at ``to`` when it is not their sign-in address), in
    their language; the templates get ``guardian``."""
    return queue(
        kind,
        to or guardian.email,
        family_id=guardian.family_id,
        guardian_id=guardian.id,
        headers=headers,
        attachments=attachments,
        language=language_of(guardian),
        guardian=guardian,
        **context,
    )


def language_of(guardian: Guardian) -> str:
    """The language ``guardian`` reads mail in: the one they chose, else the one their pages
    were last shown in, else the first the app offers."""
    for language in (guardian.language, guardian.seen_language):
        if language is not None and language in _offered():
            return language
    return _offered()[0]


def _offered() -> tuple[str, ...]:
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    return languages


def may_mail(guardian: Guardian) -> bool:
    """Only an address its owner confirmed gets mail (but the confirmation itself, and a
    reset link asked for by whoever knows the address)."""
    return guardian.left_at is None and guardian.email_confirmed_at is not None


def _html(kind: str, subject: str, context: dict[str, Any]) -> str:
    """The HTML part: with Flask's context in a request, with the text part's in a job."""
    if has_request_context():
        return render_template(f"mail/{kind}.html", subject=subject, **context)
    template = current_app.jinja_env.get_template(f"mail/{kind}.html")
    return template.render({**_defaults(), "subject": subject, **context})


def _defaults() -> dict[str, Any]:
    """What every text template may use (the HTML ones get Flask's own context)."""
    return {"config": current_app.config}


def _zone(family_id: int | None) -> str:
    """The family's time zone (UTC for mail that belongs to no family)."""
    family = db.session.get(Family, family_id) if family_id is not None else None
    return family.timezone if family is not None else "UTC"
