"""``/health`` for load balancers and monitors: 200 while the database answers with the
schema this code needs, else 503.

It needs no session and reads nothing of any family, so anyone may ask.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app

from supervisor.db import schema_checked
from supervisor.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> tuple[dict[str, str], int]:
    try:
        db.session.execute(sa.text("SELECT 1"))
        current = schema_checked(current_app, db.engine)
    except sa.exc.SQLAlchemyError:
        return {"status": "unavailable", "database": "not answering"}, 503
    if not current:
        return {"status": "unavailable", "database": "needs migrations"}, 503
    return {"status": "ok", "database": "ok"}, 200
