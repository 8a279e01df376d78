"""Addresses that are really theirs: a guardian confirms the address they sign in with by a
link mailed to it, and a new address takes over only once it is confirmed the same way.

The links are ``OneTimeLink`` rows with purpose "confirm"; only the token's digest is kept.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from supervisor import audit, clock, links
from supervisor.accounts import one_time_links, operations
from supervisor.extensions import db
from supervisor.mail import outbox
from supervisor.models import Guardian, OneTimeLink
from supervisor.notices import N_, notice, notify_guardians

CONFIRM = "confirm"
RESEND_GAP = timedelta(minutes=2)


class Problem(Enum):
    """Why a confirmation link did not confirm, in words for the person holding it."""

    UNKNOWN = _l("This confirmation link is not valid. Sign in and send yourself a new one.")
    USED = _l("This confirmation link has already been used.")
    EXPIRED = _l("This confirmation link has expired. Sign in and send yourself a new one.")
    SUPERSEDED = _l(
        "A newer confirmation link was sent after this one; only the newest works. "
        "Use the link in the latest mail."
    )
    TAKEN = _l(
        "Another account signs in with this address now, so it cannot become yours. "
        "Your sign-in address is unchanged."
    )


def _new_link(guardian: Guardian, email: str) -> str:
    """A confirmation link for ``email``, as an absolute address."""
    token = one_time_links.make(
        guardian, CONFIRM, email=email, lifetime=current_app.config["CONFIRM_LINK_LIFETIME"]
    )
    return links.absolute_url("auth.confirm_address", token=token)


def send_confirmation(guardian: Guardian) -> None:
    """Mail ``guardian`` a link that confirms their address: the one mail an unconfirmed
    address gets."""
    outbox.to_guardian(
        "confirm_address",
        guardian,
        url=_new_link(guardian, guardian.email),
        lifetime_days=current_app.config["CONFIRM_LINK_LIFETIME"].days,
    )


def mark_confirmed(guardian: Guardian) -> None:
    """The address is known to be theirs already (the invite mailed to it, or the demo)."""
    guardian.email_confirmed_at = clock.now()


def request_change(guardian: Guardian, new_email: str) -> None:
    """Ask to move ``guardian``'s sign-in to ``new_email``: nothing changes until the new
    address confirms; the old one is told the first time (a resent link tells it nothing
    new). Raises ``EmailTaken`` if another account uses it."""
    if operations.email_in_use(new_email):
        raise operations.EmailTaken(new_email)
    pending = pending_change(guardian)
    asked_before = pending is not None and pending.email == new_email
    outbox.to_guardian(
        "confirm_new_address",
        guardian,
        to=new_email,
        old_email=guardian.email,
        new_email=new_email,
        url=_new_link(guardian, new_email),
        lifetime_days=current_app.config["CONFIRM_LINK_LIFETIME"].days,
    )
    if not asked_before:
        outbox.to_guardian(
            "address_change_asked",
            guardian,
            new_email=new_email,
            sign_in_url=links.absolute_url("auth.login"),
        )


def newest_link(guardian: Guardian) -> OneTimeLink | None:
    return one_time_links.newest(guardian, CONFIRM)


def pending_change(guardian: Guardian) -> OneTimeLink | None:
    """The newest unused, unexpired link for an address other than the current one."""
    link = newest_link(guardian)
    if (
        link is None
        or link.used_at is not None
        or link.expires_at <= clock.now()
        or link.email == guardian.email
    ):
        return None
    return link


def resend_at(guardian: Guardian) -> datetime | None:
    """When another link may be sent, if not now (one per ``RESEND_GAP``)."""
    link = newest_link(guardian)
    if link is None or link.created_at + RESEND_GAP <= clock.now():
        return None
    return link.created_at + RESEND_GAP


def resend(guardian: Guardian) -> str | None:
    """Send the newest asked-for link again as a new link; the address it goes to is the
    pending new one if there is one, else the current address. The address it went to, or
    ``None`` when there is nothing to confirm."""
    pending = pending_change(guardian)
    if pending is not None:
        request_change(guardian, pending.email)
        return pending.email
    if guardian.email_confirmed_at is not None:
        return None
    send_confirmation(guardian)
    return guardian.email


def check(token: str) -> OneTimeLink | Problem:
    """The link of ``token`` if it would confirm now (a look that changes nothing)."""
    link = one_time_links.find(token, CONFIRM)
    if link is None or link.guardian.left_at is not None:
        return Problem.UNKNOWN
    if link.used_at is not None:
        return Problem.USED
    if link.expires_at <= clock.now():
        return Problem.EXPIRED
    newest = newest_link(link.guardian)
    if newest is not None and newest.id != link.id:
        return Problem.SUPERSEDED
    return link


def confirm(token: str) -> Guardian | Problem:
    """Use a confirmation link: its address becomes the guardian's, confirmed."""
    link = check(token)
    if isinstance(link, Problem):
        return link
    guardian, now = link.guardian, clock.now()
    if not one_time_links.claim(link, now):
        return Problem.USED
    if link.email == guardian.email:
        guardian.email_confirmed_at = now
        audit.record("address_confirm", audit.SUCCESS, family_id=guardian.family_id, actor=guardian)
        return guardian
    old = guardian.email
    if operations.email_in_use(link.email):
        return Problem.TAKEN
    try:
        with db.session.begin_nested():  # another account may take the address meanwhile
            guardian.email = link.email
            guardian.email_confirmed_at = now
    except IntegrityError:
        return Problem.TAKEN
    outbox.to_guardian("address_changed", guardian, to=old, old_email=old, new_email=link.email)
    notify_guardians(
        guardian.family_id,
        notice(
            N_("%(name)s changed their sign-in email from %(old)s to %(new)s."),
            name=guardian.name,
            old=old,
            new=link.email,
        ),
        skip=guardian,
    )
    audit.record(
        "address_confirm",
        audit.SUCCESS,
        family_id=guardian.family_id,
        actor=guardian,
        subject="changed",
    )
    return guardian
