"""Password reset: a one-time link by mail (only its digest is kept), good for
``RESET_LINK_LIFETIME``, once, and only while it is the newest link of its guardian and no
password was set since it was made. Setting the new password ends every session of the
account and is confirmed by mail; the family's other guardians are told.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from supervisor import audit, clock, links, notices, passwords
from supervisor.accounts import one_time_links, throttle
from supervisor.extensions import db
from supervisor.mail import outbox
from supervisor.mail.topics import Topic
from supervisor.models import Guardian, LoginSession, OneTimeLink
from supervisor.notices import N_

PURPOSE = "reset"


class Problem(Enum):
    """Why a reset link does not work; the value is what the page says."""

    INVALID = _l(
        "This link to set a new password does not work: it has expired, was already used, "
        "or a newer link was sent since. Ask for a new one."
    )


class AlreadyUsed(Exception):
    """Another request used the link first."""


def _guardian_by_email(email: str) -> Guardian | None:
    return db.session.scalar(
        sa.select(Guardian).where(
            Guardian.email == email.strip().lower(), Guardian.left_at.is_(None)
        )
    )


def _new_link(guardian: Guardian) -> str:
    """Make a reset link for ``guardian`` and return its absolute address."""
    token = one_time_links.make(
        guardian,
        PURPOSE,
        email=guardian.email,
        lifetime=current_app.config["RESET_LINK_LIFETIME"],
    )
    return links.absolute_url("auth.reset_password", token=token)


def request_reset(email: str) -> None:
    """Send a reset link to ``email`` if a guardian signs in with it; nothing otherwise.

    The mail goes even to an unconfirmed address: it is the account's way back.
    """
    guardian = _guardian_by_email(email)
    if guardian is None:
        return
    outbox.to_guardian("password_reset", guardian, url=_new_link(guardian), minutes=_minutes())


def make_reset_link(email: str) -> str | None:
    """For an operator: a reset link for ``email``'s guardian, or ``None`` if there is none."""
    guardian = _guardian_by_email(email)
    if guardian is None:
        return None
    url = _new_link(guardian)
    audit.record(
        "password_reset_link",
        audit.SUCCESS,
        family_id=guardian.family_id,
        actor="operator",
        subject=guardian.get_id(),
    )
    return url


def find_reset(token: str) -> OneTimeLink | Problem:
    """The reset link of ``token`` if it still works."""
    link = one_time_links.find(token, PURPOSE)
    if link is None or link.used_at is not None or link.expires_at <= clock.now():
        return Problem.INVALID
    guardian = link.guardian
    if guardian.left_at is not None or guardian.email != link.email:
        return Problem.INVALID
    changed = guardian.password_changed_at
    if changed is not None and link.created_at <= changed:
        return Problem.INVALID
    newest = one_time_links.newest(guardian, PURPOSE)
    if newest is None or newest.id != link.id:
        return Problem.INVALID
    return link


def reset_password(link: OneTimeLink, new_password: str) -> Guardian:
    """Use ``link`` to set ``new_password``; raises ``AlreadyUsed`` if another request won."""
    now = clock.now()
    if not one_time_links.claim(link, now):
        raise AlreadyUsed(link.id)
    guardian = link.guardian
    guardian.password_hash = passwords.hash_secret(new_password)
    guardian.password_changed_at = now
    if guardian.email_confirmed_at is None and link.email == guardian.email:
        guardian.email_confirmed_at = now  # they opened a link sent to it
    db.session.execute(sa.delete(LoginSession).where(LoginSession.guardian_id == guardian.id))
    throttle.clear(guardian.email)
    password_changed(guardian, when=now)
    audit.record("password_reset", audit.SUCCESS, family_id=guardian.family_id, actor=guardian)
    notices.notify_guardians(
        guardian.family_id,
        notices.notice(
            N_(
                "%(name)s set a new password with a link sent to their email; their devices "
                "were signed out."
            ),
            name=guardian.name,
        ),
        skip=guardian,
        topic=Topic.SECURITY,
    )
    db.session.flush()
    return guardian


def password_changed(guardian: Guardian, *, when: datetime) -> None:
    """The security mail to ``guardian`` that their password changed (never switched off)."""
    outbox.to_guardian(
        "password_changed",
        guardian,
        changed_at=when,
        sign_in_url=links.absolute_url("auth.login"),
        forgot_url=links.absolute_url("auth.forgot_password"),
    )


def _minutes() -> int:
    return int(current_app.config["RESET_LINK_LIFETIME"].total_seconds() // 60)
