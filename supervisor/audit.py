"""The security log (target 17): one row per authentication event, sign-off, export or deletion.

Records name people by role and id ("guardian:3", "child:7"), never by secret: no password,
PIN or token is ever passed here.
"""

from __future__ import annotations

from flask import g

from supervisor import clock
from supervisor.extensions import db
from supervisor.models import AuditEvent, Child, Guardian

SUCCESS = "success"
FAILURE = "failure"
DENIED = "denied"


def record(
    action: str,
    outcome: str,
    *,
    family_id: int | None,
    actor: Guardian | Child | str | None = None,
    subject: str | None = None,
) -> None:
    """Add an audit row to the request's transaction.

    A failure or a denial stands even when the request then ends refused (an error page rolls
    back the rest): the log must show every attempt, and with it the count that throttles it.
    """
    db.session.add(
        AuditEvent(
            family_id=family_id,
            at=clock.now(),
            action=action,
            outcome=outcome,
            actor=actor if isinstance(actor, str) or actor is None else actor.get_id(),
            subject=subject[:80] if subject else None,
            device_id=g.get("device_id"),
        )
    )
    if outcome != SUCCESS:
        db.keep()
