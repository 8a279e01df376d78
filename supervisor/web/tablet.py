"""The family tablet's start page ("Who's using?"), unlocking a profile, and switching person."""

from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from supervisor import audit
from supervisor.accounts import operations as accounts
from supervisor.accounts import sessions
from supervisor.extensions import db
from supervisor.models import Child, Device, Family, Guardian
from supervisor.tablet import devices, pins
from supervisor.tracks import operations
from supervisor.web import language
from supervisor.web.errors import render_error
from supervisor.web.forms.fields import required
from supervisor.web.forms.tablet import PasswordUnlockForm, PinUnlockForm

bp = Blueprint("tablet", __name__)


@bp.get("/who")
def picker() -> str | Response:
    """Every family member's tile; a tap opens their unlock page."""
    device = devices.current()
    if device is None:
        return redirect(url_for("auth.login"))
    family = db.session.scalars(
        sa.select(Family)
        .options(sa.orm.selectinload(Family.guardians), sa.orm.selectinload(Family.children))
        .where(Family.id == device.family_id)
    ).one()
    return render_template(
        "tablet/picker.html", family=family, device=device, waits=pins.waits_on(device)
    )


@bp.route("/who/child/<int:child_id>", methods=["GET", "POST"])
def unlock_child(child_id: int) -> str | Response | tuple[str, int]:
    """A child opens their profile with their PIN, on an enrolled tablet only."""
    device = devices.current()
    if device is None:
        # Target 8: no enrolled tablet, no PIN check at all.
        return render_error(
            401, _("PINs only work on the family tablet. Guardians can sign in here.")
        )
    child = _member_or_404(Child, child_id, device)
    with language.speaking(child.language):
        return _unlock_child(child, device)


def _unlock_child(child: Child, device: Device) -> str | Response | tuple[str, int]:
    form = PinUnlockForm()
    status = 200
    if child.pin_hash is None:
        form.form_errors.append(
            _("There's no PIN for this profile yet. Ask a guardian to set one.")
        )
    elif form.validate_on_submit():
        result = pins.check(child, device, required(form.pin.data))
        if result.ok:
            devices.used(device)
            sessions.start(child, device)
            audit.record("pin_unlock", audit.SUCCESS, family_id=child.family_id, actor=child)
            operations.end_supervision_at_majority(child.family_id)
            return redirect(url_for("child.home"))
        audit.record("pin_unlock", audit.FAILURE, family_id=child.family_id, actor=child)
        if result.locked:
            audit.record("pin_lockout", audit.DENIED, family_id=child.family_id, actor=child)
        status = 200 if result.attempts_left else 429
        form.form_errors.append(pins.message(result))
    return render_template("tablet/unlock_child.html", form=form, child=child), status


@bp.route("/who/guardian/<int:guardian_id>", methods=["GET", "POST"])
def unlock_guardian(guardian_id: int) -> str | Response | tuple[str, int]:
    """A guardian opens their profile on the tablet with their password (never a PIN)."""
    device = devices.current()
    if device is None:
        return redirect(url_for("auth.login"))
    guardian = _member_or_404(Guardian, guardian_id, device)
    with language.speaking(guardian.language):
        return _unlock_guardian(guardian, device)


def _unlock_guardian(guardian: Guardian, device: Device) -> str | Response | tuple[str, int]:
    form = PasswordUnlockForm()
    status = 200
    if form.validate_on_submit():
        result = accounts.sign_in(guardian.email, required(form.password.data))
        outcome = audit.SUCCESS if result.guardian else audit.FAILURE
        audit.record("tablet_unlock", outcome, family_id=guardian.family_id, actor=guardian)
        if result.guardian is not None:
            devices.used(device)
            sessions.start(result.guardian, device)
            operations.end_supervision_at_majority(guardian.family_id)
            return redirect(url_for("family.home"))
        if result.locked_until is not None:
            form.form_errors.append(accounts.lockout_message(result.locked_until))
            status = 429
        else:
            form.form_errors.append(_("That password isn't right."))
    return render_template("tablet/unlock_guardian.html", form=form, guardian=guardian), status


M = TypeVar("M", Child, Guardian)


def _member_or_404(model: type[M], person_id: int, device: Device) -> M:
    """A person of the tablet's own family; anyone else is not found."""
    person = db.session.get(model, person_id)
    if person is None or person.family_id != device.family_id:
        abort(404)
    return person
