"""One-time invite links for a second guardian; the link's token is shown once, never stored."""

from __future__ import annotations

from enum import Enum

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from supervisor import clock, links, tokens
from supervisor.accounts import addresses, operations
from supervisor.db import rows_changed
from supervisor.extensions import db
from supervisor.mail import outbox
from supervisor.models import Guardian, Invite


class AlreadyUsed(Exception):
    """Another request redeemed the invite first (or it expired meanwhile)."""


class InviteProblem(Enum):
    """Why an invite link cannot be used, in words for the person holding it."""

    UNKNOWN = _l("This invite link is not valid. Ask the guardian who sent it for a new one.")
    USED = _l(
        "This invite link has already been used. Ask for a new one if you still need to join."
    )
    EXPIRED = _l("This invite link has expired. Ask the guardian who sent it for a new one.")
    WAITING = _l(
        "This invite link waits for another guardian of the family to approve it. "
        "Try again once they have."
    )


def create(
    guardian: Guardian, needs_approval: bool = False, email: str | None = None
) -> tuple[Invite, str]:
    """A new invite for ``guardian``'s family and the token to put in the link; given an
    ``email``, the link is also mailed there."""
    token = tokens.new_token()
    now = clock.now()
    invite = Invite(
        family_id=guardian.family_id,
        token_hash=tokens.digest(token),
        created_by_id=guardian.id,
        created_at=now,
        expires_at=now + current_app.config["INVITE_LIFETIME"],
        needs_approval=needs_approval,
        email=email or None,
    )
    db.session.add(invite)
    db.session.flush()
    if invite.email:
        outbox.queue(
            "invite",
            invite.email,
            family_id=guardian.family_id,
            inviter=guardian.name,
            family_name=guardian.family.name,
            url=links.absolute_url("auth.join_family", token=token),
            expires_at=invite.expires_at,
            needs_approval=needs_approval,
        )
    return invite, token


def find(token: str) -> Invite | InviteProblem:
    """The usable invite behind ``token``, or the reason it cannot be used."""
    invite = db.session.scalar(
        sa.select(Invite)
        .options(joinedload(Invite.created_by))
        .where(Invite.token_hash == tokens.digest(token))
    )
    if invite is None:
        return InviteProblem.UNKNOWN
    if invite.accepted_at is not None:
        return InviteProblem.USED
    if invite.expires_at <= clock.now():
        return InviteProblem.EXPIRED
    if invite.needs_approval and invite.approved_at is None:
        return InviteProblem.WAITING
    return invite


def accept(invite: Invite, name: str, email: str, password: str) -> Guardian:
    """Use the invite up and create the invited guardian, in one transaction.

    The invite is claimed by a conditional UPDATE before anything else: however many
    requests (on however many workers) redeem one link at once, exactly one finds it unused;
    the others wait for its row and then raise ``AlreadyUsed``.
    """
    now = clock.now()
    with db.session.begin_nested():  # an address taken meanwhile leaves the invite unused
        claimed = db.session.execute(
            sa.update(Invite)
            .where(
                Invite.id == invite.id,
                Invite.accepted_at.is_(None),
                Invite.expires_at > now,
                sa.or_(Invite.needs_approval.is_(False), Invite.approved_at.is_not(None)),
            )
            .values(accepted_at=now)
            .execution_options(synchronize_session=False)
        )
        if rows_changed(claimed) != 1:
            raise AlreadyUsed
        guardian = operations.add_guardian(invite.family, name, email, password)
        invite.accepted_by_id = guardian.id
    if invite.email is not None and invite.email == email:
        addresses.mark_confirmed(guardian)  # the mailed link proved the mailbox
    else:
        addresses.send_confirmation(guardian)
    return guardian


def revoke(invite: Invite) -> None:
    """An unused invite link stops working: its row goes."""
    db.session.delete(invite)


# Built once, a request binds its family and the time (the dashboard asks on every visit).
_PENDING = (
    sa.select(Invite)
    .options(joinedload(Invite.created_by))
    .where(
        Invite.family_id == sa.bindparam("family"),
        Invite.accepted_at.is_(None),
        Invite.expires_at > sa.bindparam("now", type_=Invite.expires_at.type),
    )
    .order_by(Invite.created_at.desc())
)


def pending(family_id: int) -> list[Invite]:
    """Invites of a family that can still be used, newest first."""
    return list(db.session.scalars(_PENDING, {"family": family_id, "now": clock.now()}))
