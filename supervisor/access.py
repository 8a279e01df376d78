"""Who may reach what. Each rule lives here once, so a new route cannot forget it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from supervisor.extensions import db, login_manager
from supervisor.models import Child, Guardian, Invite


def require_guardian() -> object | None:
    """``before_request`` hook for guardian-only blueprints."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


F = TypeVar("F", bound=Callable[..., Any])


def guardian_only(view: F) -> F:
    """The same rule as ``require_guardian`` for a single view outside a guardian blueprint."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        denied = require_guardian()
        return denied if denied is not None else view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def current_guardian() -> Guardian:
    """The signed-in guardian (only call behind ``require_guardian``)."""
    guardian: Guardian = current_user._get_current_object()
    return guardian


def family_child_or_404(child_id: int) -> Child:
    """A child of the signed-in guardian's family; any other id is simply not found."""
    child = db.session.scalar(
        sa.select(Child).where(
            Child.id == child_id, Child.family_id == current_guardian().family_id
        )
    )
    if child is None:
        abort(404)
    return child


def family_invite_or_404(invite_id: int) -> Invite:
    """An invite of the signed-in guardian's family; any other id is simply not found."""
    invite = db.session.scalar(
        sa.select(Invite).where(
            Invite.id == invite_id, Invite.family_id == current_guardian().family_id
        )
    )
    if invite is None:
        abort(404)
    return invite
