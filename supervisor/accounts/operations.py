"""Operations on guardian accounts. They flush but never commit: the request is the transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from supervisor import clock, passwords
from supervisor.accounts import throttle
from supervisor.extensions import db
from supervisor.local_time import duration
from supervisor.mail.topics import OPTIONAL, Topic
from supervisor.models import Family, Guardian


class EmailTaken(Exception):
    """Another guardian already signs in with this email address."""


@dataclass(frozen=True)
class SignInResult:
    guardian: Guardian | None = None
    locked_until: datetime | None = None


def email_in_use(email: str) -> bool:
    return db.session.scalar(sa.select(Guardian.id).where(Guardian.email == email)) is not None


def add_guardian(family: Family, name: str, email: str, password: str) -> Guardian:
    """Create a guardian in ``family``; raises ``EmailTaken`` if the address is used."""
    if email_in_use(email):
        raise EmailTaken(email)
    guardian = Guardian(
        family_id=family.id,
        name=name.strip(),
        email=email,
        password_hash=passwords.hash_secret(password),
    )
    try:
        with db.session.begin_nested():  # a sign-up racing this one may take the address
            db.session.add(guardian)
    except IntegrityError as error:
        raise EmailTaken(email) from error
    return guardian


def create_family(
    family_name: str, name: str, email: str, password: str, *, country: str, timezone: str
) -> Guardian:
    """Sign-up: a new family, where it lives, with its first guardian, or neither if the
    address is taken."""
    with db.session.begin_nested():
        family = Family(name=family_name.strip(), country=country, timezone=timezone)
        db.session.add(family)
        db.session.flush()
        return add_guardian(family, name, email, password)


def sign_in(email: str, password: str) -> SignInResult:
    """Check a sign-in attempt, counting failures per address.

    Unknown addresses cost as much time as known ones and fail the same way.
    """
    locked = throttle.locked_until(email)
    if locked is not None:
        return SignInResult(locked_until=locked)
    guardian = db.session.scalar(
        sa.select(Guardian).where(Guardian.email == email, Guardian.left_at.is_(None))
    )
    if guardian is None:
        passwords.waste_equal_time(password)
    elif passwords.verify_secret(guardian.password_hash, password):
        throttle.clear(email)
        if passwords.needs_rehash(guardian.password_hash):
            guardian.password_hash = passwords.hash_secret(password)
        return SignInResult(guardian=guardian)
    throttle.record_failure(email)
    return SignInResult(locked_until=throttle.locked_until(email))


def lockout_message(locked_until: datetime) -> str:
    """What a guardian locked out by failed sign-ins is told."""
    return _(
        "Too many failed attempts for this account. Try again in %(wait)s.",
        wait=how_long(locked_until),
    )


def how_long(until: datetime) -> str:
    """How long until ``until``, in minutes below two hours and in hours from there."""
    return duration(until - clock.now())


def change_details(guardian: Guardian, name: str, email: str) -> None:
    """Set ``guardian``'s name and email; raises ``EmailTaken`` if another account uses it."""
    if email != guardian.email and email_in_use(email):
        raise EmailTaken(email)
    try:
        with db.session.begin_nested():  # another account may take the address meanwhile
            guardian.name = name.strip()
            guardian.email = email
    except IntegrityError as error:
        raise EmailTaken(email) from error


def change_password(guardian: Guardian, current: str, new: str) -> SignInResult:
    """Set a new password if ``current`` is right; the caller ends the other sessions.

    A wrong ``current`` counts against the same throttle as signing in, so a session holder
    cannot guess the password here instead; while the address is locked no hash is checked.
    The result carries the guardian when the password changed.
    """
    locked = throttle.locked_until(guardian.email)
    if locked is not None:
        return SignInResult(locked_until=locked)
    if not passwords.verify_secret(guardian.password_hash, current):
        throttle.record_failure(guardian.email)
        return SignInResult(locked_until=throttle.locked_until(guardian.email))
    guardian.password_hash = passwords.hash_secret(new)
    guardian.password_changed_at = clock.now()  # reset links made before now stop working
    return SignInResult(guardian=guardian)


def set_mail_choices(guardian: Guardian, wanted: Iterable[Topic]) -> None:
    """The optional topics ``guardian`` gets mail on: every other optional topic is off."""
    on = set(wanted)
    guardian.mail_off = [topic.value for topic in OPTIONAL if topic not in on]
    db.session.flush()


def set_language(guardian: Guardian, language: str | None) -> None:
    """The language ``guardian`` reads the app in (``None``: as their browser asks)."""
    guardian.language = language
    db.session.flush()


def mail_off(guardian: Guardian, topic: Topic) -> None:
    """Switch one optional topic off for ``guardian`` (the one-click unsubscribe)."""
    if not topic.optional:
        raise ValueError("Security notices cannot be switched off")
    if topic.value not in guardian.mail_off:
        guardian.mail_off = [*guardian.mail_off, topic.value]
        db.session.flush()
