"""A child's home on the tablet: what they're doing, and exactly what their guardians can see."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template

from supervisor.access import current_child, require_child
from supervisor.extensions import db
from supervisor.models import Guardian

bp = Blueprint("child", __name__, url_prefix="/me")
bp.before_request(require_child)


@bp.get("/")
def home() -> str:
    """The child's start page, with the plain list of what their guardians can see."""
    child = current_child()
    guardians = db.session.scalars(
        sa.select(Guardian.name).where(Guardian.family_id == child.family_id).order_by(Guardian.id)
    ).all()
    return render_template("child/home.html", child=child, guardians=guardians)
