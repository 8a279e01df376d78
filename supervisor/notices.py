"""Messages for guardians on the family page: what the child or another guardian did."""

from __future__ import annotations

import sqlalchemy as sa

from supervisor import clock
from supervisor.extensions import db
from supervisor.models import Guardian, Notification


def notify_guardians(family_id: int, text: str, *, skip: Guardian | None = None) -> None:
    """A notification for every guardian of the family but ``skip`` (the one who acted)."""
    guardian_ids = db.session.scalars(
        sa.select(Guardian.id).where(Guardian.family_id == family_id, Guardian.left_at.is_(None))
    )
    now = clock.now()
    db.session.add_all(
        Notification(family_id=family_id, guardian_id=gid, created_at=now, text=text)
        for gid in guardian_ids
        if skip is None or gid != skip.id
    )
