"""Who of the guardians did something the rows keep only the time of.

A choice of arrangement or a proposed schedule records when, not which guardian. A family
that had a single guardian at that moment can only mean that guardian (guardians' rows stay
after they leave), so the pages name them; with several the pages keep "a guardian".
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from supervisor.extensions import db
from supervisor.models import Guardian


def guardian_then(family_id: int, moment: datetime | None) -> str | None:
    """The name of the family's only guardian at ``moment``, or None when it had several."""
    if moment is None:
        return None
    names = db.session.scalars(
        sa.select(Guardian.name)
        .where(
            Guardian.family_id == family_id,
            Guardian.created_at <= moment,
            sa.or_(Guardian.left_at.is_(None), Guardian.left_at > moment),
        )
        .limit(2)
    ).all()
    return names[0] if len(names) == 1 else None
