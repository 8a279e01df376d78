"""One-time links mailed to a guardian (address confirmation, password reset): only the
token's digest is kept, each link has a purpose and a lifetime, only the newest of a purpose
counts, and using one is a conditional UPDATE so two requests cannot both use it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from supervisor import clock, tokens
from supervisor.db import rows_changed
from supervisor.extensions import db
from supervisor.models import Guardian, OneTimeLink


def make(guardian: Guardian, purpose: str, *, email: str, lifetime: timedelta) -> str:
    """Add a link for ``guardian`` and return its token (never stored)."""
    token = tokens.new_token()
    now = clock.now()
    db.session.add(
        OneTimeLink(
            guardian_id=guardian.id,
            purpose=purpose,
            email=email,
            token_hash=tokens.digest(token),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    db.session.flush()
    return token


def find(token: str, purpose: str) -> OneTimeLink | None:
    return db.session.scalar(
        sa.select(OneTimeLink).where(
            OneTimeLink.token_hash == tokens.digest(token), OneTimeLink.purpose == purpose
        )
    )


def newest(guardian: Guardian, purpose: str) -> OneTimeLink | None:
    return db.session.scalar(
        sa.select(OneTimeLink)
        .where(OneTimeLink.guardian_id == guardian.id, OneTimeLink.purpose == purpose)
        .order_by(OneTimeLink.id.desc())
        .limit(1)
    )


def claim(link: OneTimeLink, when: datetime) -> bool:
    """Mark ``link`` used at ``when``; ``False`` if another request used it first."""
    claimed = db.session.execute(
        sa.update(OneTimeLink)
        .where(OneTimeLink.id == link.id, OneTimeLink.used_at.is_(None))
        .values(used_at=when)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(claimed) == 1
