"""Guardians' track pages: add a track, tick the checklist, sign off, decline, step back,
and remove a track started by mistake."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from supervisor.content.licence_tips import connections_for
from supervisor.family import own_words
from supervisor.models import Child, Track
from supervisor.notices import N_, notice
from supervisor.permit.summary import permit_view
from supervisor.tracks import age_gate, operations, reads
from supervisor.tracks.next_step import age_missing, can_sign_off, next_step
from supervisor.web import authority, stepup
from supervisor.web.access import current_guardian, family_row_or_404, require_guardian
from supervisor.web.errors import refusal_page
from supervisor.web.forms.fields import required
from supervisor.web.forms.tracks import (
    AddTrackForm,
    ChecklistItemForm,
    DeclineForm,
    RemoveTrackForm,
    SignOffForm,
    StepBackForm,
    TickForm,
)
from supervisor.web.language import content_language
from supervisor.web.licence_card import card_page

bp = Blueprint("tracks", __name__, url_prefix="/family")
bp.before_request(require_guardian)


@bp.route("/children/<int:child_id>/tracks/new", methods=["GET", "POST"])
def add(child_id: int) -> str | Response:
    """Start a track for a social network the child wants to use."""
    child = family_row_or_404(Child, child_id)
    form = AddTrackForm()
    if form.validate_on_submit():
        track = operations.add_track(
            current_guardian(), child, form.platform.data, form.other_name.data
        )
        flash(
            _(
                "%(child)s starts %(track)s with instruction.",
                child=child.display_name,
                track=operations.track_name(track),
            ),
            "success",
        )
        return redirect(url_for("tracks.show", track_id=track.id))
    return render_template("tracks/add.html", form=form, child=child)


@bp.get("/children/<int:child_id>/card")
def card(child_id: int) -> str:
    """The child's licence card, to print at card size."""
    return card_page(family_row_or_404(Child, child_id))


@bp.get("/tracks/<int:track_id>")
def show(track_id: int) -> str:
    """A track: its stage, what's missing for the next one, and its whole history (a removed
    track: why, and its history)."""
    track = family_row_or_404(Track, track_id, removed=True)
    if track.removed_at is not None:
        return render_template(
            "tracks/removed.html",
            track=track,
            name=operations.track_name(track),
            events=reads.history(track.id),
        )
    return _render(track)


@bp.post("/tracks/<int:track_id>/remove")
def remove(track_id: int) -> str | Response | tuple[str, int]:
    """Remove a track started by mistake (still in instruction), keeping its history."""
    track = family_row_or_404(Track, track_id)
    form = RemoveTrackForm()
    if not form.validate_on_submit():
        return _render(track, remove_form=form), 400
    guardian = current_guardian()
    operations.remove_track(guardian, track, required(form.reason.data))
    name, child = operations.track_name(track), track.child.display_name
    authority.done(
        f"track:{track.id}",
        notice(
            N_(
                "%(guardian)s removed %(child)s's %(track)s track, started by mistake "
                "(“%(reason)s”). Its history is kept."
            ),
            guardian=guardian.name,
            child=child,
            track=name,
            reason=required(form.reason.data),
        ),
        by=guardian,
    )
    flash(
        _(
            "%(child)s's %(track)s track is removed; %(child)s no longer sees it. Its history "
            "is kept.",
            child=child,
            track=name,
        ),
        "success",
    )
    return redirect(url_for("family.home"))


@bp.post("/tracks/<int:track_id>/checklist")
def tick(track_id: int) -> str | Response | tuple[str, int]:
    """Tick or untick a checklist item of the track's current stage."""
    track = family_row_or_404(Track, track_id)
    form = TickForm()
    view = reads.track_view(track)
    labels = {key: label for key, label, _done in view.checklist}
    if not form.validate_on_submit() or form.item.data not in labels:
        return _render(track, error=_("That checklist item isn't part of this stage.")), 400
    operations.set_tick(
        current_guardian(), track, form.item.data, labels[form.item.data], form.ticked.data
    )
    return redirect(url_for("tracks.show", track_id=track.id, _anchor="checklist"))


@bp.post("/tracks/<int:track_id>/checklist/new")
def add_checklist_item(track_id: int) -> str | Response | tuple[str, int]:
    """Add the family's own checklist item for every track at this track's stage."""
    track = family_row_or_404(Track, track_id)
    form = ChecklistItemForm()
    if not form.validate_on_submit():
        return _render(track, checklist_form=form), 400
    own_words.add_item(track.family_id, track.stage, required(form.label.data))
    flash(_("Your checklist item is added for every track at this stage."), "success")
    return redirect(url_for("tracks.show", track_id=track.id, _anchor="checklist"))


@bp.post("/tracks/<int:track_id>/refresher")
def refresher(track_id: int) -> Response:
    """Switch the yearly refresher reminder on or off for a licence."""
    track = family_row_or_404(Track, track_id)
    operations.set_refresher(track, request.form.get("on") == "y")
    return redirect(url_for("tracks.show", track_id=track.id))


@bp.post("/tracks/<int:track_id>/sign-off")
def sign_off(track_id: int) -> str | Response | tuple[str, int]:
    """Move the track one stage forward (with the password typed recently)."""
    track = family_row_or_404(Track, track_id)
    form = SignOffForm()
    if not form.validate_on_submit():
        return _render(track, sign_off_form=form), 400
    result = operations.sign_off(
        current_guardian(), track, required(form.from_stage.data), form.override_reason.data
    )
    if result.advanced:
        flash(
            _(
                "Signed off: %(child)s now has %(stage)s for %(track)s.",
                child=track.child.display_name,
                stage=_(track.stage.label),
                track=operations.track_name(track),
            ),
            "success",
        )
    else:
        flash(_("Your signature is recorded. Waiting for %(who)s.", who=result.waiting_for), "info")
    return redirect(url_for("tracks.show", track_id=track.id))


@bp.post("/tracks/<int:track_id>/step-back")
def step_back(track_id: int) -> str | Response | tuple[str, int]:
    """Move the track one stage back, with a reason the child reads."""
    track = family_row_or_404(Track, track_id)
    form = StepBackForm()
    if not form.validate_on_submit():
        return _render(track, step_back_form=form), 400
    guardian = current_guardian()
    operations.step_back(
        guardian, track, required(form.from_stage.data), required(form.reason.data)
    )
    flash(_("Stepped back to %(stage)s.", stage=_(track.stage.label)), "success")
    return redirect(url_for("tracks.show", track_id=track.id))


@bp.post("/tracks/<int:track_id>/decline")
def decline(track_id: int) -> str | Response | tuple[str, int]:
    """Answer a child's request with "not yet" and a reason they will read."""
    track = family_row_or_404(Track, track_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _render(track, decline_form=form), 400
    operations.decline(current_guardian(), track, required(form.reason.data))
    flash(_("Your answer is on the track's history for your child to read."), "success")
    return redirect(url_for("tracks.show", track_id=track.id))


@refusal_page(bp)
def _refused(reason: str, code: int) -> tuple[str, int] | None:
    """A refused move or removal: the track page again, with the reason and the form as sent
    (a track removed meanwhile has no such page)."""
    track_id = (request.view_args or {}).get("track_id")
    if track_id is None:
        return None
    return _render(family_row_or_404(Track, track_id), error=reason), code


def _render(track: Track, error: str | None = None, **forms: object) -> str:
    view, language = reads.track_view(track), content_language()
    permit = permit_view(track, language)
    gate = age_gate.gate(track)
    forms.setdefault("sign_off_form", SignOffForm(from_stage=track.stage))
    forms.setdefault("step_back_form", StepBackForm(from_stage=track.stage))
    forms.setdefault("decline_form", DeclineForm())
    forms.setdefault("checklist_form", ChecklistItemForm())
    too_young = age_missing(view.progress, gate, track.child.display_name)
    forms.setdefault("remove_form", RemoveTrackForm())
    return render_template(
        "tracks/show.html",
        view=view,
        name=operations.track_name(track),
        platform=gate.platform,
        gate=gate,
        in_country=age_gate.in_country,
        younger_paths=gate.platform.younger_paths(gate.country) if not gate.open else [],
        country_notes=gate.platform.notes_for(gate.country),
        missing=[*([too_young] if too_young else []), *view.progress.missing],
        too_young=too_young,
        step=next_step(
            track,
            view.snapshot,
            view.progress,
            gate,
            permit.schedule if permit else None,
            language,
        ),
        can_sign_off=can_sign_off(view.progress, gate),
        error=error,
        needs_password=not stepup.is_fresh(),
        permit=permit,
        connection_labels=connections_for(language),
        one_year=timedelta(days=365),
        **forms,
    )
