"""Who is a guardian of the family: leaving it, being removed from it.

A guardian who leaves (or is removed) keeps their row, so every sign-off, tick and note they
made still shows their name; everything that let them act ends at once: their sessions, their
sign-in (the password hash goes, and the email address is released so it can open a new
account), the invite links they made and not used yet, the requests they had waiting, and
the family tablets they set up (a guardian's own phone marked as the tablet would otherwise
still open the picker and, with a PIN, a child's profile); the other guardians are told.
"""

from __future__ import annotations

from contextlib import suppress

import sqlalchemy as sa
from flask_babel import gettext as _

from supervisor import clock
from supervisor.extensions import db
from supervisor.family import rules
from supervisor.models import Device, Family, Guardian, Invite, LoginSession
from supervisor.notices import Nn_, Quoted, notify_guardians, plural_notice

LEFT = "left"
REMOVED = "removed"
NO_PASSWORD = "!"  # noqa: S105 - not an Argon2 hash: no password verifies against it


class LastGuardian(Exception):
    """A family cannot be left without a guardian."""


def released_email(guardian: Guardian) -> str:
    """The address kept in place of a former guardian's own (``.invalid`` never delivers)."""
    return f"former-guardian-{guardian.id}@left.invalid"


def end(guardian: Guardian, how: str, *, by: Guardian | None) -> None:
    """``guardian`` stops being a guardian of their family now (``how``: left or removed)."""
    now = clock.now()
    guardian.left_at = now
    guardian.left_how = how
    guardian.removed_by_id = by.id if by is not None and how == REMOVED else None
    guardian.email = released_email(guardian)
    guardian.password_hash = NO_PASSWORD
    db.session.execute(sa.delete(LoginSession).where(LoginSession.guardian_id == guardian.id))
    for proposal in rules.open_changes(guardian.family_id):
        if guardian.id in (proposal.proposed_by_id, rules.removed_guardian_id(proposal)):
            with suppress(rules.AlreadyDecided):  # decided meanwhile: nothing to withdraw
                rules.decide(proposal, by or guardian, "withdrawn")
    db.session.execute(
        sa.delete(Invite).where(
            Invite.family_id == guardian.family_id,
            Invite.created_by_id == guardian.id,
            Invite.accepted_at.is_(None),
        )
    )
    tablets = db.session.scalars(
        sa.select(Device).where(
            Device.family_id == guardian.family_id, Device.created_by_id == guardian.id
        )
    ).all()
    for device in tablets:
        db.session.delete(device)  # its cookie is refused and its sessions end with it
    db.session.flush()
    if tablets:
        notify_guardians(
            guardian.family_id,
            plural_notice(
                Nn_(
                    "%(names)s no longer works as the family tablet: %(name)s set it up. Set a "
                    "tablet up again from Tablets if the family still uses it.",
                    "%(names)s no longer work as the family tablet: %(name)s set them up. Set a "
                    "tablet up again from Tablets if the family still uses it.",
                    len(tablets),
                    names=Quoted(tuple(device.name for device in tablets)),
                    name=guardian.name,
                ),
            ),
            skip=by,
        )


def check_not_last(family: Family) -> None:
    """Raise ``LastGuardian`` if the family has no other guardian."""
    if len(family.guardians) <= 1:
        raise LastGuardian


def removal_blocked(family: Family, asker: Guardian, target: Guardian) -> str | None:
    """Why the removal cannot even be asked for, or ``None``.

    Under two keys only a guardian who is neither the asker nor the one removed may approve.
    With no such guardian, applying it at once would let one guardian take the family's
    second key away alone, which is exactly what the rule exists to stop; a request nobody
    may approve would only wait for ever. So it is refused, and the page says what works.
    """
    if not rules.two_keys_guard(family):
        return None
    if any(g.id not in (asker.id, target.id) for g in family.guardians):
        return None
    return _(
        "While both guardians must sign off, removing %(name)s needs another guardian's "
        "approval, and the only other guardian is %(name)s. %(name)s can leave the family "
        "themselves, or agree to switch off “both guardians must sign off” in Family settings; "
        "after that you can remove them.",
        name=target.name,
    )
