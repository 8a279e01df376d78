"""Server-side login sessions: the cookie carries a token, the database decides if it is live.

Flask's own session is a signed cookie the server cannot take back, so every request is
checked against a ``LoginSession`` row: deleting the row ends the session on every worker.
A session on the family tablet is bound to that tablet's device row, so revoking the
tablet ends it too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, request, session
from flask_babel import get_locale
from flask_login import login_user, logout_user
from sqlalchemy.orm import joinedload

from supervisor import clock, tokens
from supervisor.extensions import db
from supervisor.models import Child, Device, Guardian, LoginSession

TOKEN_KEY = "sid"  # noqa: S105 - the name of a session key, not a secret
SEEN_KEY = "seen"


def start(person: Guardian | Child, device: Device | None = None) -> LoginSession:
    """Sign ``person`` in on a brand-new session; nothing of the previous one survives.

    The previous person's session of this browser (the guardian who left the tablet open
    without "Switch person", or another family's guardian accepting an invite) ends on the
    server too, not only in the cookie. A guardian always arrives here having just typed
    their password. A guardian's page language is noted: their mail speaks it while they
    have chosen none.
    """
    now = clock.now()
    if isinstance(person, Guardian) and (locale := get_locale()) is not None:
        # This page was chosen before anyone signed in: from now on, their own choice.
        person.seen_language = person.language or str(locale)
    _delete_expired(now)
    _delete_this_browsers_session()
    session.clear()
    token = tokens.new_token()
    is_guardian = isinstance(person, Guardian)
    row = LoginSession(
        token_hash=tokens.digest(token),
        family_id=person.family_id,
        guardian_id=person.id if is_guardian else None,
        child_id=None if is_guardian else person.id,
        device_id=device.id if device else None,
        created_at=now,
        password_verified_at=now if is_guardian else None,
    )
    db.session.add(row)
    session[TOKEN_KEY] = token
    session[SEEN_KEY] = now.timestamp()
    login_user(person)
    g.login_session = row
    return row


def end() -> None:
    """Sign out: delete the session row, then forget everything in the cookie."""
    _delete_this_browsers_session()
    logout_user()
    session.clear()


def _delete_this_browsers_session() -> None:
    token = session.get(TOKEN_KEY)
    if token:
        db.session.execute(
            sa.delete(LoginSession).where(LoginSession.token_hash == tokens.digest(token))
        )


def end_others(guardian: Guardian) -> None:
    """End every session of ``guardian`` except this one (after a password change)."""
    token = session.get(TOKEN_KEY, "")
    db.session.execute(
        sa.delete(LoginSession).where(
            LoginSession.guardian_id == guardian.id,
            LoginSession.token_hash != tokens.digest(token),
        )
    )


def current() -> LoginSession | None:
    """The live session row of this request (set by ``load``)."""
    row: LoginSession | None = g.get("login_session")
    return row


# The session with its person, their family and the tablet, built once for each kind of
# person (a request binds its token's digest): building it and its cache key cost about as
# much as running it, and a guardian's session needs no join to children, nor a child's to
# guardians.
_LIVE = {
    kind: sa.select(LoginSession)
    .options(joinedload(person).joinedload(family), joinedload(LoginSession.device))
    .where(LoginSession.token_hash == sa.bindparam("token_hash"))
    for kind, person, family in (
        ("guardian", LoginSession.guardian, Guardian.family),
        ("child", LoginSession.child, Child.family),
    )
}


def load(user_id: str) -> Guardian | Child | None:
    """Flask-Login's user loader: the person of a live, unexpired session, else ``None``."""
    token = session.get(TOKEN_KEY)
    live = _LIVE.get(user_id.partition(":")[0])  # the kind ``get_id`` says
    if not token or live is None:
        return None
    row = db.session.scalar(live, {"token_hash": tokens.digest(token)})
    if row is None or row.person.get_id() != user_id or not _on_its_device(row):
        return None
    if not row.person.is_active:  # a guardian who left: their rows go too, this is the lock
        return None
    now = clock.now()
    idle = now.timestamp() - float(session.get(SEEN_KEY, 0))
    if (
        now - row.created_at > current_app.config["SESSION_ABSOLUTE_TIMEOUT"]
        or idle > idle_limit(row).total_seconds()
    ):
        session.clear()
        g.session_timed_out = True
        return None
    session[SEEN_KEY] = now.timestamp()
    g.login_session = row
    if row.device is not None:
        g.device = row.device
        g.device_id = row.device.id
    return row.person


def idle_limit(row: LoginSession) -> timedelta:
    """Children get longer than a guardian on the shared tablet, who must not be left open."""
    if row.child_id is not None:
        setting = "CHILD_IDLE_TIMEOUT"
    elif row.device_id is not None:
        setting = "TABLET_GUARDIAN_IDLE_TIMEOUT"
    else:
        setting = "GUARDIAN_IDLE_TIMEOUT"
    limit: timedelta = current_app.config[setting]
    return limit


def _on_its_device(row: LoginSession) -> bool:
    """A tablet session counts only with that tablet's device cookie beside it."""
    if row.device is None:
        return True
    token = request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
    return token is not None and tokens.digest(token) == row.device.token_hash


def _delete_expired(now: datetime) -> None:
    """Rows past the absolute limit can never be used again; drop them at each sign-in."""
    cutoff = now - current_app.config["SESSION_ABSOLUTE_TIMEOUT"]
    db.session.execute(sa.delete(LoginSession).where(LoginSession.created_at < cutoff))
