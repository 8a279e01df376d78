"""Server-side login sessions: the cookie carries a token, the database decides if it is live.

Flask's own session is a signed cookie the server cannot take back, so every request is
checked against a ``LoginSession`` row: deleting the row ends the session on every worker.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy.orm import joinedload

from supervisor import clock, tokens
from supervisor.extensions import db
from supervisor.models import Guardian, LoginSession

TOKEN_KEY = "sid"  # noqa: S105 - the name of a session key, not a secret
SEEN_KEY = "seen"


def start(guardian: Guardian) -> None:
    """Sign ``guardian`` in on a brand-new session; nothing of the previous one survives."""
    now = clock.now()
    _delete_expired(guardian, now)
    session.clear()
    token = tokens.new_token()
    db.session.add(
        LoginSession(
            token_hash=tokens.digest(token),
            family_id=guardian.family_id,
            guardian_id=guardian.id,
            created_at=now,
        )
    )
    session[TOKEN_KEY] = token
    session[SEEN_KEY] = now.timestamp()
    login_user(guardian)


def end() -> None:
    """Sign out: delete the session row, then forget everything in the cookie."""
    token = session.get(TOKEN_KEY)
    if token:
        db.session.execute(
            sa.delete(LoginSession).where(LoginSession.token_hash == tokens.digest(token))
        )
    logout_user()
    session.clear()


def end_others(guardian: Guardian) -> None:
    """End every session of ``guardian`` except this one (after a password change)."""
    token = session.get(TOKEN_KEY, "")
    db.session.execute(
        sa.delete(LoginSession).where(
            LoginSession.guardian_id == guardian.id,
            LoginSession.token_hash != tokens.digest(token),
        )
    )


def load(user_id: str) -> Guardian | None:
    """Flask-Login's user loader: the guardian of a live, unexpired session, else ``None``."""
    token = session.get(TOKEN_KEY)
    if not token:
        return None
    row = db.session.scalar(
        sa.select(LoginSession)
        .options(joinedload(LoginSession.guardian).joinedload(Guardian.family))
        .where(LoginSession.token_hash == tokens.digest(token))
    )
    if row is None or row.guardian.get_id() != user_id:
        return None
    now = clock.now()
    config = current_app.config
    idle = now.timestamp() - float(session.get(SEEN_KEY, 0))
    if (
        now - row.created_at > config["SESSION_ABSOLUTE_TIMEOUT"]
        or idle > config["GUARDIAN_IDLE_TIMEOUT"].total_seconds()
    ):
        session.clear()
        return None
    session[SEEN_KEY] = now.timestamp()
    return row.guardian


def _delete_expired(guardian: Guardian, now: datetime) -> None:
    cutoff = now - current_app.config["SESSION_ABSOLUTE_TIMEOUT"]
    db.session.execute(
        sa.delete(LoginSession).where(
            LoginSession.guardian_id == guardian.id, LoginSession.created_at < cutoff
        )
    )
