"""Step-up: sensitive guardian actions need the password typed within ``STEP_UP_WINDOW``.

Which actions are sensitive is declared in ``supervisor.web.authority``, which calls ``check``
before their view runs. A sensitive form carries a password field whenever the last entry is
too old. If the window closes while the form is open, the POST is answered 401 with a page
that asks for the password and posts the same action again, with what the guardian had typed
kept in hidden fields, so the action runs exactly once, after the password.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _

from supervisor import audit, clock, passwords
from supervisor.accounts import operations, sessions, throttle
from supervisor.extensions import db
from supervisor.web.access import current_guardian

FIELD = "reauth_password"
# Never written back into a page: the token, the password itself, and a PIN being set.
NOT_CARRIED = {"csrf_token", FIELD, "pin", "confirm", "password", "current_password"}


def is_fresh() -> bool:
    """True when the guardian typed their password within ``STEP_UP_WINDOW``."""
    row = sessions.current()
    verified = row.password_verified_at if row else None
    return verified is not None and clock.now() - verified <= current_app.config["STEP_UP_WINDOW"]


def challenge(error: str | None = None, status: int = 401) -> tuple[str, int]:
    """The page (401, or 429 while locked) that asks for the password and then repeats the
    original POST."""
    carried = [
        (key, value) for key, value in request.form.items(multi=True) if key not in NOT_CARRIED
    ]
    return render_template(
        "auth/reauth.html", action=request.path, carried=carried, error=error, field=FIELD
    ), status


def check() -> tuple[str, int] | None:
    """``None`` when this POST may go on: the password was typed now or recently enough.

    A password typed here counts against the same throttle as signing in: while the address
    is locked no hash is checked, and the guardian is told how long to wait.
    """
    password = request.form.get(FIELD)
    if not password:
        return None if is_fresh() else challenge()
    guardian = current_guardian()
    locked = throttle.locked_until(guardian.email)
    if locked is None and passwords.verify_secret(guardian.password_hash, password):
        row = sessions.current()
        assert row is not None
        row.password_verified_at = clock.now()
        audit.record("step_up", audit.SUCCESS, family_id=guardian.family_id, actor=guardian)
        db.keep()  # a refusal or conflict in the view must not undo the password
        return None
    if locked is None:
        throttle.record_failure(guardian.email)
        locked = throttle.locked_until(guardian.email)
    audit.record("step_up", audit.FAILURE, family_id=guardian.family_id, actor=guardian)
    if locked is not None:
        return challenge(operations.lockout_message(locked), 429)
    return challenge(_("That password isn't right. Try again."))
