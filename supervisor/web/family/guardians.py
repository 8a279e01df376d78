"""The family's guardians: who they are, leaving the family, removing another guardian.

Leaving is one's own decision and applies at once (giving up one's own key takes nobody's
away). Removing another guardian needs a fresh password, and while both guardians must sign
off it waits for a guardian who is neither the asker nor the one removed
(``membership.removal_blocked`` says why there must be one).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from supervisor.accounts import sessions
from supervisor.extensions import db
from supervisor.family import membership, rules
from supervisor.models import Family, Guardian
from supervisor.notices import N_, notice
from supervisor.web import authority, stepup
from supervisor.web.access import current_guardian, family_row_or_404, require_guardian
from supervisor.web.forms.family import LeaveForm, RemoveGuardianForm

bp = Blueprint("guardians", __name__, url_prefix="/family/guardians")
bp.before_request(require_guardian)

ONLY_ONE = _l(
    "You are this family's only guardian, so you cannot leave it: the children's tracks need "
    "someone to look after them. Invite another guardian first, or delete the family and "
    "everything in it."
)


@bp.get("/")
def index() -> str:
    """The family's guardians, former ones included, and the forms to leave or remove."""
    return _page(rules.family_with_guardians(current_guardian().family_id, lock=False))


@bp.post("/leave")
def leave() -> str | Response | tuple[str, int]:
    """Leave the family: this guardian's sign-in and sessions end here and now."""
    guardian = current_guardian()
    family = rules.family_with_guardians(guardian.family_id, lock=True, actor=guardian)
    try:
        membership.check_not_last(family)
    except membership.LastGuardian:
        return _page(family, error=ONLY_ONE), 409
    form = LeaveForm()
    if not form.validate_on_submit():
        return _page(family, leave_form=form), 400
    authority.done(
        guardian.get_id(),
        notice(
            N_(
                "%(name)s left the family: they can no longer sign in to it. What they did stays "
                "in the history under their name."
            ),
            name=guardian.name,
        ),
        by=guardian,
    )
    membership.end(guardian, membership.LEFT, by=None)
    sessions.end()
    flash(
        _(
            "You have left %(family)s. You can no longer sign in to it; your email address is "
            "free for a new account.",
            family=family.name,
        ),
        "success",
    )
    return redirect(url_for("auth.login"))


@bp.post("/<int:guardian_id>/remove")
def remove(guardian_id: int) -> str | Response | tuple[str, int]:
    """Remove another guardian (held for a third guardian while both must sign off)."""
    target = family_row_or_404(Guardian, guardian_id)
    guardian = current_guardian()
    family = rules.family_with_guardians(guardian.family_id, lock=True, actor=guardian)
    form = RemoveGuardianForm()
    if not form.validate_on_submit():
        return _page(family, remove_form=form, remove_id=target.id), 400
    if all(g.id != target.id for g in family.guardians):  # read after the lock
        error = _("%(name)s is no longer a guardian of the family.", name=target.name)
        return _page(family, error=error), 409
    if target.id == guardian.id:
        return _page(
            family, error=_("You cannot remove yourself here: to go, use “Leave the family”.")
        ), 409
    if (blocked := membership.removal_blocked(family, guardian, target)) is not None:
        return _page(family, error=blocked), 409
    if rules.two_keys_guard(family):
        proposal = rules.hold(
            guardian, {rules.REMOVE_GUARDIAN: {"guardian_id": target.id, "name": target.name}}, {}
        )
        authority.done(
            f"{target.get_id()} removal held",
            rules.waiting(guardian, proposal),
            by=guardian,
        )
        flash(
            _(
                "Removing %(name)s waits for another guardian's approval in Family settings "
                "(%(name)s cannot decide on it). They have been told.",
                name=target.name,
            ),
            "info",
        )
        return redirect(url_for("guardians.index"))
    membership.end(target, membership.REMOVED, by=guardian)
    authority.done(
        f"{target.get_id()} removed",
        notice(
            N_(
                "%(name)s removed %(target)s as a guardian: they can no longer sign in to the "
                "family. What they did stays in the history under their name."
            ),
            name=guardian.name,
            target=target.name,
        ),
        by=guardian,
    )
    flash(
        _(
            "%(name)s is no longer a guardian of %(family)s.",
            name=target.name,
            family=family.name,
        ),
        "success",
    )
    return redirect(url_for("guardians.index"))


def _page(
    family: Family,
    error: str | None = None,
    leave_form: LeaveForm | None = None,
    remove_form: RemoveGuardianForm | None = None,
    remove_id: int | None = None,
) -> str:
    me = current_guardian()
    former = db.session.scalars(
        sa.select(Guardian)
        .options(sa.orm.joinedload(Guardian.removed_by))
        .where(Guardian.family_id == family.id, Guardian.left_at.is_not(None))
        .order_by(Guardian.left_at)
    ).all()
    return render_template(
        "family/guardians.html",
        family=family,
        former=former,
        error=error,
        leave_form=leave_form or LeaveForm(formdata=None),
        remove_form=remove_form,
        remove_id=remove_id,
        new_remove_form=lambda: RemoveGuardianForm(formdata=None),
        blocked={
            g.id: membership.removal_blocked(family, me, g) for g in family.guardians if g != me
        },
        two_keys=rules.two_keys_guard(family),
        needs_password=not stepup.is_fresh(),
    )
