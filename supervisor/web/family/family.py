"""The family page: children, guardians and invites. Guardians only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from supervisor import audit, clock, links, notices
from supervisor.content.places import countries_in
from supervisor.content.platforms import PLATFORMS
from supervisor.errors import Refusal
from supervisor.extensions import db
from supervisor.family import approval, data, invites, rules
from supervisor.family import operations as family_operations
from supervisor.lessons import prompts
from supervisor.local_time import family_zone, month_names, month_year, page_locale
from supervisor.models import (
    Child,
    Family,
    Invite,
    Notification,
    RuleChange,
    Track,
)
from supervisor.notices import N_, Moment, Month, notice
from supervisor.permit import reads as permit_reads
from supervisor.stages.base import StageKey
from supervisor.tablet import pins
from supervisor.tracks import operations
from supervisor.tracks import reads as track_reads
from supervisor.web import authority, kept_pages, stepup
from supervisor.web import who_looked as looked
from supervisor.web.access import current_guardian, family_row_or_404, require_guardian
from supervisor.web.errors import render_error
from supervisor.web.forms.auth import normalise_email
from supervisor.web.forms.family import (
    COLOURS,
    BirthDateCorrectionForm,
    ChildForm,
    ConfirmNameForm,
    FamilyNameForm,
    FamilySettingsForm,
    InviteForm,
)
from supervisor.web.forms.fields import required
from supervisor.web.forms.language import ChildEditForm, chosen
from supervisor.web.forms.tablet import SetPinForm
from supervisor.web.language import content_language

bp = Blueprint("family", __name__, url_prefix="/family")
bp.before_request(require_guardian)

# A held change decided: what the other guardians are told, and what the one deciding reads.
DECIDED = {
    "approved": (
        N_("%(name)s approved the request to %(what)s."),
        _l("You approved the request to %(what)s."),
    ),
    "refused": (
        N_("%(name)s refused the request to %(what)s."),
        _l("You refused the request to %(what)s."),
    ),
    "withdrawn": (
        N_("%(name)s withdrew the request to %(what)s."),
        _l("You withdrew the request to %(what)s."),
    ),
}


# The dashboard's own selects, built once: a request binds its family and guardian
# (building a select and its cache key cost more than running it). One statement for the
# family with its children and guardians (a family has a handful of each, so joining both
# costs less than a round trip per collection) and how many loosened rules wait for a
# second guardian.
_WAITING = (
    sa.select(sa.func.count(RuleChange.id))
    .where(RuleChange.family_id == Family.id, RuleChange.decided_at.is_(None))
    .scalar_subquery()
)
_FAMILY = (
    sa.select(Family, _WAITING)
    .options(sa.orm.joinedload(Family.children), sa.orm.joinedload(Family.guardians))
    .where(Family.id == sa.bindparam("family"))
)
_TRACKS = sa.select(Track).where(Track.family_id == sa.bindparam("family")).order_by(Track.id)
_UNREAD = (
    sa.select(Notification)
    .where(Notification.guardian_id == sa.bindparam("guardian"), Notification.read_at.is_(None))
    .order_by(Notification.created_at.desc())
    .limit(20)
)


@bp.get("/")
def home() -> str:
    """The family's overview: who is in it and what to do next."""
    return _home_page()


def _home_page(invite_form: InviteForm | None = None) -> str:
    """The page, kept while nothing it shows changes, unless it shows a form's errors
    (``invite_form`` from a POST) that only this answer has."""
    needs_password = not stepup.is_fresh()

    def render() -> tuple[str, datetime]:
        return _home(invite_form or InviteForm(formdata=None), needs_password)

    if invite_form is not None:
        return render()[0]
    revision = current_guardian().family.revision
    return kept_pages.kept(("family.home", needs_password), revision, render)


def _home(invite_form: InviteForm, needs_password: bool) -> tuple[str, datetime]:
    """The family page, and the first moment it may read differently by time alone: an
    invite runs out, a check-in comes, falls due or is late, or a day begins in the family's
    zone (the age gate, "today") or in UTC (the prompt of the week, the spans of the
    requirements). Each is found from a reading of the clock no later than the one its words
    come from: the first reading, here, or the one the schedules were read with."""
    now = clock.now()
    guardian = current_guardian()
    family, changes_waiting = (
        db.session.execute(_FAMILY, {"family": guardian.family_id}).unique().one()
    )
    every_track = list(db.session.scalars(_TRACKS, {"family": family.id}))
    tracks = [t for t in every_track if t.removed_at is None]
    tracks_by_child = {c.id: [t for t in tracks if t.child_id == c.id] for c in family.children}
    removed_by_child = {
        c.id: [t for t in every_track if t.child_id == c.id and t.removed_at is not None]
        for c in family.children
    }
    notes = db.session.scalars(_UNREAD, {"guardian": guardian.id}).all()
    language = content_language()
    bank = prompts.for_family(family.id, language)
    weekly = {
        child.id: prompts.of_the_week(
            bank, _current_stage(tracks_by_child[child.id]), child.id, now
        )
        for child in family.children
    }
    latest = track_reads.latest_for(guardian)
    zone = family_zone()
    schedules = permit_reads.schedule_states(tracks, zone)
    overview = track_reads.overview(tracks, schedules, language)
    pending = invites.pending(family.id)
    html = render_template(
        "family/home.html",
        family=family,
        weekly=weekly,
        schedules=schedules,
        latest=latest,
        tracks_by_id={t.id: t for t in every_track},
        tracks_by_child=tracks_by_child,
        removed_by_child=removed_by_child,
        progress={track_id: seen.progress for track_id, seen in overview.items()},
        overview=overview,
        track_name=operations.track_name,
        notifications=[notices.Shown(note.created_at, notices.read(note)) for note in notes],
        changes_waiting=changes_waiting,
        invites=pending,
        invite_form=invite_form,
        needs_password=needs_password,
        months=month_names(),
        countries=countries_in(page_locale()),
    )
    turns = [invite.expires_at for invite in pending]
    turns += [state.turns for state in schedules.values() if state.turns is not None]
    turns += [clock.next_midnight(zone, now), clock.next_midnight(UTC, now)]
    return html, min(turns)


def _minimum_ages_moved(family_id: int, old: str, new: str) -> str:
    """The family's tracks before the licence whose minimum age the move changes, in words."""
    tracks = db.session.scalars(
        sa.select(Track)
        .where(
            Track.family_id == family_id,
            Track.removed_at.is_(None),
            Track.stage != StageKey.LICENCE,
        )
        .options(selectinload(Track.child))
        .order_by(Track.id)
    ).all()
    moved = []
    for track in tracks:
        platform = PLATFORMS[track.platform]
        before, after = platform.minimum_age(old), platform.minimum_age(new)
        if before != after:
            moved.append(
                _(
                    "%(name)s's %(track)s %(after)s (was %(before)s)",
                    name=track.child.display_name,
                    track=operations.track_name(track),
                    after=after or _("none"),
                    before=before or _("none"),
                )
            )
    return "; ".join(moved)


@bp.route("/settings", methods=["GET", "POST"])
def settings() -> str | Response:
    """Country (minimum ages), time zone, and whether an advance needs two guardians.

    While two guardians must sign, a change that loosens a rule waits for the other one.
    """
    guardian = current_guardian()
    family = _family_with_guardians(guardian.family_id)
    form = FamilySettingsForm(obj=family)
    if form.validate_on_submit():
        before = {k: getattr(family, k) for k in rules.SETTINGS}
        outcome = rules.change(guardian, family, {k: form[k].data for k in rules.SETTINGS})
        held = outcome.held.changes if outcome.held is not None else {}
        if not outcome.applied and not held:
            flash(_("Nothing was changed."), "info")
            return redirect(url_for("family.settings"))
        told = []
        if outcome.applied:
            told.append(
                notice(
                    N_("%(name)s changed %(what)s."),
                    name=guardian.name,
                    what=rules.described(outcome.applied, before),
                )
            )
            flash(_("The family's settings are saved."), "success")
            if "country" in outcome.applied and (
                moved := _minimum_ages_moved(family.id, before["country"], family.country)
            ):
                flash(_("Minimum ages in the new country: %(moved)s.", moved=moved), "info")
        if outcome.held is not None:
            told.append(rules.waiting(guardian, outcome.held))
            flash(
                _(
                    "Another guardian must approve loosening the family's rules; until then they "
                    "stay as they are. They have been told."
                ),
                "info",
            )
        invites_held = rules.hold_open_invites(family.id)
        authority.done(
            f"family:{family.id} {','.join([*outcome.applied, *held])}",
            told[0].then(*told[1:], rules.held_invites_notice(invites_held)),
            by=guardian,
        )
        return redirect(url_for("family.settings"))
    return _settings_page(family, form=form)


@bp.post("/settings/name")
def rename() -> Response | tuple[str, int]:
    """Rename the family; the other guardians are told the old and the new name."""
    guardian = current_guardian()
    family = _family_with_guardians(guardian.family_id)
    name_form = FamilyNameForm()
    if not name_form.validate_on_submit():
        return _settings_page(family, name_form=name_form), 400
    old = family.name
    if name_form.name.data == old:
        flash(_("That is the family's name already; nothing was changed."), "info")
        return redirect(url_for("family.settings"))
    family_operations.rename(family, required(name_form.name.data))
    authority.done(
        f"family:{family.id}",
        notice(
            N_("%(name)s renamed the family from “%(old)s” to “%(new)s”."),
            name=guardian.name,
            old=old,
            new=family.name,
        ),
        by=guardian,
    )
    flash(_("Your family is now called “%(name)s”.", name=family.name), "success")
    return redirect(url_for("family.settings"))


def _settings_page(
    family: Family,
    form: FamilySettingsForm | None = None,
    name_form: FamilyNameForm | None = None,
) -> str:
    return render_template(
        "family/settings.html",
        form=form or FamilySettingsForm(formdata=None, obj=family),
        name_form=name_form or FamilyNameForm(formdata=None, name=family.name),
        waiting=rules.open_changes(family.id),
        asked=rules.asked,
        may_approve=rules.may_approve,
        may_refuse=rules.may_refuse,
        needs_password=not stepup.is_fresh(),
    )


@bp.post("/settings/changes/<int:change_id>/approve")
def approve_change(change_id: int) -> str | Response | tuple[str, int]:
    """A second guardian approves a held change, with their own fresh password."""
    proposal = family_row_or_404(RuleChange, change_id)
    guardian = current_guardian()
    refused = rules.may_approve(proposal, guardian)
    if refused is not None:
        return render_error(409, refused)
    family = _family_with_guardians(guardian.family_id)
    return _close(proposal, lambda: approval.approve(proposal, guardian, family), "approved")


@bp.post("/settings/changes/<int:change_id>/drop")
def drop_change(change_id: int) -> str | Response | tuple[str, int]:
    """Refuse a held change (another guardian), or withdraw one's own: nothing of it happens."""
    proposal = family_row_or_404(RuleChange, change_id)
    guardian = current_guardian()
    refused = rules.may_refuse(proposal, guardian)
    if refused is not None:
        return render_error(409, refused)
    outcome = "withdrawn" if proposal.proposed_by_id == guardian.id else "refused"
    return _close(proposal, lambda: rules.drop(proposal, guardian, outcome), outcome)


def _close(
    proposal: RuleChange, decide: Callable[[], None], outcome: str
) -> str | Response | tuple[str, int]:
    """Decide a held change once; a guardian who comes second is told it is decided."""
    guardian = current_guardian()
    what = rules.asking(proposal)
    try:
        decide()
    except rules.Outdated:
        outdated = notice(
            N_(
                "The request to %(what)s was made when things stood differently (what it is "
                "about has changed since, or is gone), so it was not applied. Ask again if it is "
                "still wanted."
            ),
            what=what,
        )
        authority.done(
            f"change:{proposal.id} outdated",
            notice(N_("%(name)s: %(text)s"), name=guardian.name, text=outdated),
            by=guardian,
        )
        raise Refusal(str(outdated), recorded=True) from None
    told, yours = DECIDED[outcome]
    authority.done(
        f"family:{guardian.family_id} change:{proposal.id}",
        notice(told, name=guardian.name, what=what),
        by=guardian,
    )
    flash(yours % {"what": str(what)}, "success")
    return redirect(url_for("family.settings"))


@bp.post("/notifications/read")
def read_notifications() -> Response:
    """Mark this guardian's notifications as read."""
    family_operations.read_notifications(current_guardian())
    return redirect(url_for("family.home"))


@bp.route("/children/new", methods=["GET", "POST"])
def add_child() -> str | Response:
    """Add a child profile."""
    form = ChildForm()
    if form.validate_on_submit():
        guardian = current_guardian()
        child = family_operations.add_child(
            guardian.family_id,
            required(form.display_name.data),
            form.avatar.data,
            form.colour.data,
            required(form.birth_year.data),
            int(form.birth_month.data),
        )
        authority.done(
            child.get_id(),
            notice(
                N_("%(name)s added %(child)s's profile (born %(date)s)."),
                name=guardian.name,
                child=child.display_name,
                date=Month(child.birth_year, child.birth_month),
            ),
            by=guardian,
        )
        flash(_("%(name)s's profile is ready.", name=child.display_name), "success")
        return redirect(url_for("family.home"))
    return render_template("family/child_form.html", form=form, child=None, colours=COLOURS)


@bp.route("/children/<int:child_id>/edit", methods=["GET", "POST"])
def edit_child(child_id: int) -> str | Response:
    """Change how a child's profile looks (name, avatar, colour) and the language it speaks."""
    child = family_row_or_404(Child, child_id)
    form = ChildEditForm(obj=child)
    if form.validate_on_submit():
        family_operations.edit_child(
            child,
            required(form.display_name.data),
            form.avatar.data,
            form.colour.data,
            chosen(form, child.language),
        )
        authority.done(child.get_id(), by=current_guardian())
        flash(_("%(name)s's profile is saved.", name=child.display_name), "success")
        return redirect(url_for("family.home"))
    return render_template(
        "family/child_form.html", form=form, child=child, colours=COLOURS, months=month_names()
    )


@bp.get("/children/<int:child_id>/looked")
def who_looked(child_id: int) -> str:
    """Who looked at the child's pages in the last 90 days: the list the child reads."""
    child = family_row_or_404(Child, child_id)
    lines = looked.kept(child.id, child.display_name)
    return render_template(
        "family/who_looked.html", child=child, looked=lines, pages=looked.PAGE_NAMES
    )


@bp.route("/children/<int:child_id>/birth-date", methods=["GET", "POST"])
def birth_date(child_id: int) -> str | Response:
    """Correct a child's birth year or month: it changes their age, and at 18 ends supervision.

    So it needs a fresh password, says why, keeps the old date in the audit log and the
    notice, and a child it makes 18 moves to the licence with that reason in their history.
    """
    child = family_row_or_404(Child, child_id)
    form = BirthDateCorrectionForm(obj=child)
    if not form.is_submitted():
        form.birth_month.data = str(child.birth_month)
    if form.validate_on_submit():
        guardian = current_guardian()
        year, month = required(form.birth_year.data), int(form.birth_month.data)
        was = Month(child.birth_year, child.birth_month)
        old = month_year(child.birth_year, child.birth_month)
        new = month_year(year, month)
        if new == old:
            flash(_("That is the birth date already; nothing was changed."), "info")
            return redirect(url_for("family.home"))
        family = _family_with_guardians(guardian.family_id)
        if rules.two_keys_guard(family) and (year, month) < (child.birth_year, child.birth_month):
            # An older child is supervised for less time: a second key's decision, like a
            # sign-off. A correction that makes the child younger only tightens, at once.
            proposal = rules.hold(
                guardian,
                {rules.BIRTH_DATE: {"child_id": child.id, "name": child.display_name,
                                    "year": year, "month": month, "reason": form.reason.data}},
                {rules.BIRTH_DATE: {"year": child.birth_year, "month": child.birth_month}},
            )  # fmt: skip
            authority.done(
                f"{child.get_id()} {old} -> {new} held",
                rules.waiting(guardian, proposal),
                by=guardian,
            )
            flash(
                _(
                    "That makes %(name)s older, so supervision ends sooner: another guardian "
                    "must approve it in Family settings. They have been told.",
                    name=child.display_name,
                ),
                "info",
            )
            return redirect(url_for("family.home"))
        family_operations.correct_birth_date(child, year, month)
        because = notice(
            N_("%(name)s corrected %(child)s's birth date from %(old)s to %(new)s (“%(reason)s”)."),
            name=guardian.name,
            child=child.display_name,
            old=was,
            new=Month(year, month),
            reason=required(form.reason.data),
        )
        authority.done(f"{child.get_id()} {old} -> {new}", because, by=guardian)
        operations.end_supervision_at_majority(child.family_id, str(because), child.id)
        flash(
            _("%(name)s's birth date is now %(date)s.", name=child.display_name, date=new),
            "success",
        )
        return redirect(url_for("family.home"))
    return render_template(
        "family/birth_date.html", form=form, child=child, needs_password=not stepup.is_fresh()
    )


@bp.route("/children/<int:child_id>/delete", methods=["GET", "POST"])
def delete_child(child_id: int) -> str | Response:
    """Remove a child profile and all of the child's data, after the password and their name."""
    child = family_row_or_404(Child, child_id)
    form = ConfirmNameForm()
    if form.validate_on_submit():
        if form.name.data != child.display_name:
            form.name.errors = [
                *form.name.errors,
                _("Type the name exactly: %(name)s", name=child.display_name),
            ]
        else:
            guardian = current_guardian()
            if rules.two_keys_guard(_family_with_guardians(guardian.family_id)):
                # A child removed and added again could come back with another birth date:
                # under two keys that, and losing the child's history, takes both.
                proposal = rules.hold(
                    guardian,
                    {rules.DELETE_CHILD: {"child_id": child.id, "name": child.display_name}},
                    {},
                )
                authority.done(
                    f"{child.get_id()} removal held",
                    rules.waiting(guardian, proposal),
                    by=guardian,
                )
                flash(
                    _(
                        "Removing %(name)s's profile waits for another guardian's approval in "
                        "Family settings. They have been told.",
                        name=child.display_name,
                    ),
                    "info",
                )
                return redirect(url_for("family.home"))
            authority.done(
                child.get_id(),
                notice(
                    N_("%(name)s removed %(child)s's profile and everything in it."),
                    name=guardian.name,
                    child=child.display_name,
                ),
                by=guardian,
            )
            family_operations.delete_child(child)
            flash(
                _("%(name)s's profile and everything in it were removed.", name=form.name.data),
                "success",
            )
            return redirect(url_for("family.home"))
    return render_template(
        "family/child_delete.html", child=child, form=form, needs_password=not stepup.is_fresh()
    )


@bp.route("/children/<int:child_id>/pin", methods=["GET", "POST"])
def set_pin(child_id: int) -> str | Response:
    """Choose the PIN a child unlocks their profile with on the family tablet."""
    child = family_row_or_404(Child, child_id)
    form = SetPinForm()
    if form.validate_on_submit():
        pin = required(form.pin.data)
        problem = pins.problem_with(pin, child)
        if problem is None:
            pins.set_pin(child, pin)
            guardian = current_guardian()
            authority.done(
                child.get_id(),
                notice(
                    N_("%(name)s set %(child)s's PIN."),
                    name=guardian.name,
                    child=child.display_name,
                ),
                by=guardian,
            )
            flash(_("%(name)s's PIN is set.", name=child.display_name), "success")
            return redirect(url_for("family.home"))
        form.pin.errors = [*form.pin.errors, problem]
    return render_template(
        "family/set_pin.html", form=form, child=child, needs_password=not stepup.is_fresh()
    )


@bp.post("/children/<int:child_id>/unlock")
def unlock_profile(child_id: int) -> Response:
    """Open a profile locked by wrong PINs (the guardian has just typed their password)."""
    child = family_row_or_404(Child, child_id)
    pins.reset(child)
    guardian = current_guardian()
    authority.done(
        child.get_id(),
        notice(
            N_("%(name)s opened %(child)s's profile again after wrong PINs."),
            name=guardian.name,
            child=child.display_name,
        ),
        by=guardian,
    )
    flash(_("%(name)s's profile is open again.", name=child.display_name), "success")
    return redirect(url_for("family.home"))


@bp.post("/export")
def export_data() -> Response:
    """Download everything the family has stored, as one JSON file."""
    guardian = current_guardian()
    authority.done(
        f"family:{guardian.family_id}",
        notice(
            N_("%(name)s downloaded the family's data, guardians' private notes included."),
            name=guardian.name,
        ),
        by=guardian,
    )
    payload = data.export(guardian.family_id)
    response = jsonify(payload)
    response.headers["Content-Disposition"] = 'attachment; filename="family-data.json"'
    return response


@bp.route("/delete", methods=["GET", "POST"])
def delete_family() -> str | Response:
    """Delete the whole family and all its data, after the password and the family's name."""
    family = db.session.get_one(Family, current_guardian().family_id)
    form = ConfirmNameForm()
    if form.validate_on_submit():
        if form.name.data != family.name:
            form.name.errors = [
                *form.name.errors,
                _("Type the family's name exactly: %(name)s", name=family.name),
            ]
        else:
            audit.record(
                "family_delete",
                audit.SUCCESS,
                family_id=None,
                actor=current_guardian(),
                subject=f"family:{family.id}",
            )
            data.delete_family(family.id)
            session.clear()
            flash(_("Your family and everything in it are deleted."), "success")
            return redirect(url_for("auth.index"))
    return render_template(
        "family/delete.html", family=family, form=form, needs_password=not stepup.is_fresh()
    )


@bp.post("/invites")
def create_invite() -> str | tuple[str, int]:
    """Make a one-time invite link for a second guardian and show it once; given their
    address, the link is mailed there too.

    While both guardians must sign, the link works only once another guardian approves it:
    a guardian's second account would otherwise be a second key in the same hands.
    """
    form = InviteForm()
    if not form.validate():
        return _home_page(invite_form=form), 400
    email = normalise_email(form.email.data) if form.email.data else None
    guardian = current_guardian()
    family = _family_with_guardians(guardian.family_id)
    if email and (member := next((g for g in family.guardians if g.email == email), None)):
        if member.id == guardian.id:
            taken = _(
                "%(email)s is your own address: you are a guardian of %(family)s already.",
                email=email,
                family=family.name,
            )
        else:
            taken = _(
                "%(email)s is %(name)s's address: they are a guardian of %(family)s already.",
                email=email,
                name=member.name,
                family=family.name,
            )
        form.email.errors = [taken]
        return _home_page(invite_form=form), 400
    held = rules.two_keys_guard(family)
    invite, token = invites.create(guardian, needs_approval=held, email=email)
    if email:
        told = notice(
            N_(
                "%(name)s made an invite link for another guardian, and mailed it to %(email)s "
                "(it works until %(until)s)."
            ),
            name=guardian.name,
            email=email,
            until=Moment(invite.expires_at),
        )
    else:
        told = notice(
            N_("%(name)s made an invite link for another guardian (it works until %(until)s)."),
            name=guardian.name,
            until=Moment(invite.expires_at),
        )
    if held:
        proposal = rules.hold(guardian, {rules.INVITE: invite.id}, {})
        told = rules.waiting(guardian, proposal)
    authority.done(f"invite:{invite.id}", told, by=guardian)
    link = links.absolute_url("auth.join_family", token=token)
    return render_template("family/invite_link.html", invite=invite, link=link)


@bp.post("/invites/<int:invite_id>/revoke")
def revoke_invite(invite_id: int) -> Response | tuple[str, int]:
    """Cancel an invite link that has not been used."""
    invite = family_row_or_404(Invite, invite_id)
    if invite.accepted_at is not None:
        return render_error(
            409, _("This invite link was used already; there is nothing to cancel.")
        )
    guardian = current_guardian()
    rules.withdraw_invite_changes(guardian.family_id, invite.id, guardian)
    authority.done(
        f"invite:{invite.id}",
        notice(N_("%(name)s cancelled an unused invite link."), name=guardian.name),
        by=guardian,
    )
    invites.revoke(invite)
    flash(_("The invite link no longer works."), "success")
    return redirect(url_for("family.home"))


def _current_stage(tracks: list[Track]) -> StageKey:
    """The earliest stage among a child's tracks: what their talks should be about now."""
    return min((t.stage for t in tracks), key=list(StageKey).index, default=StageKey.INSTRUCTION)


def _family_with_guardians(family_id: int) -> Family:
    """The family and its guardians; a POST locks the family's row (PostgreSQL) first, so
    whatever it decides from the two-key rule and the guardians stays true until it commits."""
    locked = request.method == "POST"
    return rules.family_with_guardians(family_id, lock=locked, actor=current_guardian())
