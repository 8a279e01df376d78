"""Throttling of sign-up and joining by invite, and of asking for a password reset link,
per email address and per client address.

Both forms say whether an address already has an account, so without a limit anyone could
test a list of addresses. Every attempt that gets that far (a valid form) counts, whether the
address was free or taken: the count then does not depend on who has an account, and it also
caps how many accounts one client creates. Invalid forms never ask about the address and
do not count. Each count is a window that starts at its first attempt; a refused attempt is
not counted. Counts live in the database, so every worker shares them.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from supervisor import clock
from supervisor.accounts import operations
from supervisor.db import insert_if_missing, rows_changed
from supervisor.extensions import db
from supervisor.models import SignupThrottle

EMAIL = "email"
CLIENT = "client"
RESET_EMAIL = "reset:mail"
RESET_CLIENT = "reset:ip"
# Per scope, the config keys of the most attempts in one window and of the window.
LIMITS = {
    EMAIL: ("SIGNUP_MAX_PER_EMAIL", "SIGNUP_EMAIL_WINDOW"),
    CLIENT: ("SIGNUP_MAX_PER_CLIENT", "SIGNUP_CLIENT_WINDOW"),
    RESET_EMAIL: ("RESET_MAX_PER_EMAIL", "RESET_EMAIL_WINDOW"),
    RESET_CLIENT: ("RESET_MAX_PER_CLIENT", "RESET_CLIENT_WINDOW"),
}
SIGNUP = (EMAIL, CLIENT)
RESET = (RESET_EMAIL, RESET_CLIENT)


def admit(email: str, remote_addr: str | None, scopes: tuple[str, str] = SIGNUP) -> datetime | None:
    """Count an attempt for ``email`` from ``remote_addr``, unless a count is full.

    ``scopes`` names the email's count and the client's (``SIGNUP`` or ``RESET``).
    Returns ``None`` when the attempt may go ahead, else when it may be tried again.
    """
    now = clock.now()
    email_scope, client_scope = scopes
    # Always the email row first, then the client's, so two workers never deadlock.
    counts = [(_locked_row(email_scope, email, now), *_limit(email_scope))]
    if remote_addr:
        counts.append(
            (_locked_row(client_scope, client_key(remote_addr), now), *_limit(client_scope))
        )
    for row, _most, window in counts:
        if now - row.window_started_at >= window:
            row.window_started_at = now
            row.attempts = 0
    full = [row.window_started_at + window for row, most, window in counts if row.attempts >= most]
    if full:
        return max(full)
    for row, _most, _window in counts:
        row.attempts += 1
    db.keep()  # the attempt counts whatever becomes of it (an invite used meanwhile: 409)
    return None


def refusal_message(retry_at: datetime, scopes: tuple[str, str] = SIGNUP) -> str:
    """What someone over a limit is told."""
    wait = operations.how_long(retry_at)
    if scopes == RESET:
        return _(
            "Too many attempts to ask for a password reset link from here or with this email "
            "address. Try again in %(wait)s.",
            wait=wait,
        )
    return _(
        "Too many attempts to create an account from here or with this email address. "
        "Try again in %(wait)s.",
        wait=wait,
    )


def client_key(remote_addr: str) -> str:
    """The client address counted: IPv4 as it is, IPv6 by its /64, which one client holds whole."""
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return remote_addr[:254]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def forget_expired() -> int:
    """Delete counts whose window is over (daily upkeep): client addresses are not kept long."""
    now = clock.now()
    expired = sa.or_(
        *(
            sa.and_(
                SignupThrottle.scope == scope,
                SignupThrottle.window_started_at <= now - _limit(scope)[1],
            )
            for scope in LIMITS
        )
    )
    return rows_changed(db.session.execute(sa.delete(SignupThrottle).where(expired)))


def _limit(scope: str) -> tuple[int, timedelta]:
    """The most attempts allowed in one window of ``scope``, and the window."""
    most, window = LIMITS[scope]
    return current_app.config[most], current_app.config[window]


def _locked_row(scope: str, address: str, now: datetime) -> SignupThrottle:
    """The count for ``address``, created if missing and locked against other workers."""
    insert_if_missing(
        db.session, SignupThrottle, scope=scope, address=address, attempts=0, window_started_at=now
    )
    return db.session.scalars(
        sa.select(SignupThrottle)
        .where(SignupThrottle.scope == scope, SignupThrottle.address == address)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
