"""Guardians manage the family's tablets: mark this browser as one, see them all, revoke any."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from supervisor.accounts import sessions
from supervisor.models import Device
from supervisor.notices import N_, notice
from supervisor.tablet import devices
from supervisor.web import authority, stepup
from supervisor.web.access import current_guardian, family_row_or_404, require_guardian
from supervisor.web.forms.fields import required
from supervisor.web.forms.tablet import DeviceForm

bp = Blueprint("devices", __name__, url_prefix="/family/devices")
bp.before_request(require_guardian)


@bp.route("/", methods=["GET", "POST"])
def index() -> str | Response:
    """The family's tablets; a form marks this browser as one."""
    guardian = current_guardian()
    form = DeviceForm()
    if form.validate_on_submit():
        device, token = devices.enrol(guardian, required(form.name.data))
        authority.done(
            f"device:{device.id}",
            notice(
                N_(
                    "%(name)s made a browser the family tablet “%(device)s”: children can open "
                    "their profiles there with their PINs."
                ),
                name=guardian.name,
                device=device.name,
            ),
            by=guardian,
        )
        # From now on this browser is shared: the guardian unlocks it again from the picker.
        sessions.end()
        flash(
            _(
                "This browser is now “%(device)s”. Everyone picks their profile here.",
                device=device.name,
            ),
            "success",
        )
        return devices.set_cookie(redirect(url_for("tablet.picker")), token)
    return render_template(
        "tablet/devices.html",
        form=form,
        devices=devices.family_devices(guardian.family_id),
        this_device=devices.current(),
        needs_password=not stepup.is_fresh(),
    )


@bp.post("/<int:device_id>/revoke")
def revoke(device_id: int) -> Response:
    """Stop a tablet working: its cookie is refused and its sessions end at once."""
    device = family_row_or_404(Device, device_id)
    guardian = current_guardian()
    authority.done(
        f"device:{device.id}",
        notice(
            N_("%(name)s revoked the family tablet “%(device)s”."),
            name=guardian.name,
            device=device.name,
        ),
        by=guardian,
    )
    devices.revoke(device)
    flash(_("“%(device)s” no longer works as the family tablet.", device=device.name), "success")
    return redirect(url_for("devices.index"))
