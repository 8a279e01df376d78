"""Who may reach what. Each rule lives here once, so a new route cannot forget it.

- guardian pages: a signed-in guardian; a child's session gets 403 (and, for anything but
  a read, an audit record);
- child pages: a child's session on the family tablet;
- account pages (sign-up, sign-in, invites): anyone but a child's session;
- what reads nothing of a family (``/health``, the app's manifest and service worker):
  anyone, with no rule of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol, TypeVar, cast

from flask import abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from supervisor import audit
from supervisor.extensions import db, login_manager
from supervisor.models import Child, Guardian
from supervisor.tablet import devices
from supervisor.web.request_log import mask_tokens


class FamilyRow(Protocol):
    """A row that belongs to one family."""

    @property
    def family_id(self) -> int: ...


F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T", bound=FamilyRow)
READS = {"GET", "HEAD", "OPTIONS"}


def deny(reason: str) -> None:
    """Answer 403; a refused write is written to the security log (target 1)."""
    if request.method not in READS:
        audit.record(
            "authorisation",
            audit.DENIED,
            family_id=current_user.family_id if current_user.is_authenticated else None,
            actor=current_user._get_current_object() if current_user.is_authenticated else None,
            subject=f"{request.method} {mask_tokens(request.path)} ({reason})",
        )
    abort(403)


def unauthorized() -> Response:
    """Nobody (or nobody any more) is signed in: the tablet's picker, or the sign-in page."""
    if devices.current() is not None:
        if g.get("session_timed_out"):
            flash(
                _("The profile locked itself after a while without use. Pick who's using."),
                "info",
            )
        return redirect(url_for("tablet.picker"))
    flash(_("Please sign in to continue."), "info")
    target = request.full_path.rstrip("?") if request.method in READS else None
    return redirect(url_for("auth.login", next=target))


def require_guardian() -> ResponseReturnValue | None:
    """``before_request`` hook for guardian-only blueprints."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_guardian:
        deny("guardian page")
    return None


def require_child() -> ResponseReturnValue | None:
    """``before_request`` hook for the child's own pages."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.is_guardian:
        abort(403)
    return None


def refuse_child() -> None:
    """Account pages are for guardians and strangers, never for a child's session."""
    if current_user.is_authenticated and not current_user.is_guardian:
        deny("account page")


def guardian_only(view: F) -> F:
    """The same rule as ``require_guardian`` for a single view outside a guardian blueprint."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        denied = require_guardian()
        return denied if denied is not None else view(*args, **kwargs)

    return cast(F, wrapped)


def not_for_children(view: F) -> F:
    """Wrap an account page so a child's session gets 403."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        refuse_child()
        return view(*args, **kwargs)

    return cast(F, wrapped)


def current_guardian() -> Guardian:
    """The signed-in guardian (only call behind ``require_guardian``)."""
    guardian: Guardian = current_user._get_current_object()
    return guardian


def current_child() -> Child:
    """The signed-in child (only call behind ``require_child``)."""
    child: Child = current_user._get_current_object()
    return child


def family_row_or_404(model: type[T], row_id: int, *, removed: bool = False) -> T:
    """A row of the signed-in guardian's family; another family's id is simply not found.

    So is a row the family removed (a track started by mistake, a retired checklist item),
    unless the caller shows removed rows (``removed``): nothing can act on one by accident.
    """
    row = db.session.get(model, row_id)
    if row is None or row.family_id != current_guardian().family_id:
        abort(404)
    if not removed and getattr(row, "removed_at", None) is not None:
        abort(404)
    return row
