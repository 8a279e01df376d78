"""A child's pages on the tablet: their tracks, what guardians can see, asking for sign-off."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from supervisor.content.licence_tips import CONNECTIONS, connections_for, tips_for
from supervisor.content.monitoring import arrangements_for
from supervisor.extensions import db
from supervisor.local_time import family_zone
from supervisor.models import CheckIn, Guardian, LearningMoment, Track
from supervisor.permit import agreed
from supervisor.permit import operations as permit_operations
from supervisor.permit import reads as permit_reads
from supervisor.permit.summary import permit_view
from supervisor.stages.base import StageKey
from supervisor.tracks import age_gate, operations
from supervisor.tracks import reads as track_reads
from supervisor.tracks.next_step import groundwork
from supervisor.web import who_looked
from supervisor.web.access import current_child, require_child
from supervisor.web.agreement import agreement_page
from supervisor.web.errors import refusal_page
from supervisor.web.forms.fields import required
from supervisor.web.forms.permit import AgreeForm, CheckInNoteForm, ReflectionForm
from supervisor.web.forms.tracks import RequestForm
from supervisor.web.language import content_language
from supervisor.web.licence_card import card_page
from supervisor.web.me import steps

bp = Blueprint("child", __name__, url_prefix="/me")
bp.before_request(require_child)


# The home page's selects, built once: a request binds its family, child and tracks
# (building a select and its cache key cost more than running it).
_GUARDIANS = (
    sa.select(Guardian.name, Guardian.created_at)
    .where(Guardian.family_id == sa.bindparam("family"), Guardian.left_at.is_(None))
    .order_by(Guardian.id)
)
_TRACKS = (
    sa.select(Track)
    .where(Track.child_id == sa.bindparam("child"), Track.removed_at.is_(None))
    .order_by(Track.id)
)
_OPEN_MOMENTS = (
    sa.select(LearningMoment.track_id, sa.func.count())
    .where(
        LearningMoment.track_id.in_(sa.bindparam("tracks", expanding=True)),
        LearningMoment.talked_in_id.is_(None),
        LearningMoment.withdrawn_at.is_(None),
    )
    .group_by(LearningMoment.track_id)
)


@bp.get("/")
def home() -> str:
    """The child's start page, with the plain list of what their guardians can see."""
    child, language = current_child(), content_language()
    guardians = db.session.execute(_GUARDIANS, {"family": child.family_id}).all()
    tracks = list(db.session.scalars(_TRACKS, {"child": child.id}))
    open_moments = dict(db.session.execute(_OPEN_MOMENTS, {"tracks": [t.id for t in tracks]}).all())
    schedules = permit_reads.schedule_states(tracks, family_zone())
    progress = track_reads.progress_by_track(tracks, schedules)
    child_steps = {t.id: steps.child_steps(progress[t.id], schedules[t.id]) for t in tracks}
    return render_template(
        "child/home.html",
        child=child,
        guardians=guardians,
        tracks=tracks,
        progress=progress,
        next_steps={
            t.id: steps.next_step(child_steps[t.id], groundwork(t, schedules[t.id])) for t in tracks
        },
        schedules=schedules,
        open_moments=open_moments,
        rules=agreed.rules_by_track(tracks),
        looking={t.id: agreed.looking(t, language) for t in tracks},
        connections=connections_for(language),
        name=operations.track_name,
        looked=who_looked.this_week(child.id),
    )


@bp.get("/card")
def card() -> str:
    """The child's licence card, to print at card size."""
    return card_page(current_child())


@bp.get("/looked")
def looked() -> str:
    """Every look of a guardian at the child's pages still kept: the last 90 days."""
    return render_template("child/looked.html", looked=who_looked.kept(current_child().id))


@bp.get("/tracks/<int:track_id>")
def track(track_id: int) -> str:
    """One of the child's tracks: stage, what's missing, history, and the request button."""
    return _render(_own_track_or_404(track_id))


@bp.post("/tracks/<int:track_id>/request")
def request_sign_off(track_id: int) -> str | Response | tuple[str, int]:
    """Ask the guardians for sign-off, in the child's own words."""
    track = _own_track_or_404(track_id)
    form = RequestForm()
    if not form.validate_on_submit():
        return _render(track, form), 400
    operations.request_sign_off(current_child(), track, required(form.note.data))
    flash(_("Your request is on its way to your guardians."), "success")
    return redirect(url_for("child.track", track_id=track.id))


@bp.post("/tracks/<int:track_id>/agree")
def agree_schedule(track_id: int) -> Response | tuple[str, int]:
    """The child's own "I agree" to the proposed check-in schedule the page showed."""
    track = _own_track_or_404(track_id)
    form = AgreeForm()
    if not form.validate_on_submit():
        flash(_("Tick “I agree” first."), "info")
        return redirect(url_for("child.track", track_id=track.id))
    if permit_operations.child_agrees(current_child(), track, required(form.terms.data)):
        flash(_("You agreed. The schedule is in force now."), "success")
    else:
        flash(_("There is no schedule waiting for your “I agree”."), "info")
    return redirect(url_for("child.track", track_id=track.id))


@bp.post("/tracks/<int:track_id>/agree-arrangement")
def agree_arrangement(track_id: int) -> Response | tuple[str, int]:
    """The child's own "I agree" to the way of looking in the page showed."""
    track = _own_track_or_404(track_id)
    form = AgreeForm()
    if not form.validate_on_submit():
        flash(_("Tick “I agree” first."), "info")
    elif permit_operations.child_agrees_arrangement(track, required(form.terms.data)):
        flash(_("You agreed to how your guardians look in."), "success")
    else:
        flash(_("There is no arrangement waiting for your “I agree”."), "info")
    return redirect(url_for("child.track", track_id=track.id))


@bp.post("/tracks/<int:track_id>/connections")
def choose_connections(track_id: int) -> Response:
    """With a licence, the child chooses (or drops) ways to stay connected with the family."""
    track = _own_track_or_404(track_id)
    chosen = [key for key in request.form.getlist("connection") if key in CONNECTIONS]
    if operations.choose_connections(track, chosen):
        flash(_("Saved. You can change this any time."), "success")
    return redirect(url_for("child.track", track_id=track.id))


@bp.get("/tracks/<int:track_id>/agreement")
def agreement(track_id: int) -> str:
    """The printable family agreement, exactly as the guardians see it."""
    return agreement_page(_own_track_or_404(track_id))


@bp.post("/moments/<int:moment_id>/reflect")
def reflect(moment_id: int) -> str | Response | tuple[str, int]:
    """The child's own reflection on a learning moment."""
    moment = db.session.get(LearningMoment, moment_id)
    if moment is None:
        abort(404)
    track = _own_track_or_404(moment.track_id)
    if moment.withdrawn_at is not None:
        return _render(track, error=_("Your guardians withdrew this learning moment.")), 409
    if moment.reflection is not None:
        return _render(track, error=_("Your reflection on this moment is already saved.")), 409
    form = ReflectionForm()
    if not form.validate_on_submit():
        return _render(track, error="; ".join(map(str, form.reflection.errors))), 400
    permit_operations.reflect(moment, required(form.reflection.data))
    flash(
        _("Thank you. Your reflection is saved for your next check-in.")
        if moment.talked_in_id is None
        else _("Thank you. Your reflection is saved."),
        "success",
    )
    return redirect(url_for("child.track", track_id=track.id))


@bp.post("/checkins/<int:checkin_id>/note")
def checkin_note(checkin_id: int) -> str | Response | tuple[str, int]:
    """The child's own note on one of their check-ins, shown beside it to everyone. A
    changed note keeps what was written first."""
    checkin = db.session.get(CheckIn, checkin_id)
    if checkin is None:
        abort(404)
    track = _own_track_or_404(checkin.track_id)
    if track.stage is not StageKey.PERMIT:
        return _render(
            track, error=_("Check-ins belong to the learner's permit: notes are closed now.")
        ), 409
    if checkin.replaced_at is not None:
        return _render(track, error=str(NOTE_ON_CORRECTED)), 409
    form = CheckInNoteForm()
    if not form.validate_on_submit():
        errors = form.note.errors or [_("Please try again.")]
        return _render(track, error="; ".join(map(str, errors))), 400
    seen = None if form.version.data == "new" else int(required(form.version.data))
    try:
        permit_operations.write_note(current_child(), checkin, seen, required(form.note.data))
    except permit_operations.Changed:
        return _render(track, error=str(NOTE_CHANGED)), 409
    flash(_("Your note is saved. Your guardians can read it beside the check-in."), "success")
    return redirect(url_for("child.track", track_id=track.id))


NOTE_ON_CORRECTED = _l(
    "Your guardians corrected this check-in since the page was opened, so your note was not "
    "saved. Look at it again below and add your note there."
)
NOTE_CHANGED = _l(
    "Your note on this check-in changed since the page was opened (in another window, "
    "perhaps), so this one was not saved. Your note as it is now is below."
)


@bp.app_context_processor
def monitoring_sign() -> dict[str, object]:
    """On every page of a child's profile: the apps being watched over, and how (no secrets)."""
    if not (current_user.is_authenticated and not current_user.is_guardian):
        return {}
    watched = db.session.scalars(
        sa.select(Track).where(
            Track.child_id == current_user.id,
            Track.removed_at.is_(None),
            Track.stage == StageKey.PERMIT,
            Track.monitoring.is_not(None),
            Track.monitoring_child_agreed_at.is_not(None),  # in force once the child agreed
        )
    )
    arrangements = arrangements_for(content_language())
    return {
        "monitored": [
            (t.id, operations.track_name(t), arrangements[t.monitoring].for_child)
            for t in watched
            if t.monitoring is not None  # the query's already; said again for the type checker
        ]
    }


@refusal_page(bp)
def _refused(reason: str, _code: int) -> tuple[str, int] | None:
    """A refused request or "I agree": the track page again, with the reason. Always 409: a
    child's request is refused by how things stand, never by what the child wrote."""
    track_id = (request.view_args or {}).get("track_id")
    if track_id is None:
        return None
    return _render(_own_track_or_404(track_id), error=reason), 409


def _own_track_or_404(track_id: int) -> Track:
    track = db.session.get(Track, track_id)
    if track is None or track.child_id != current_child().id or track.removed_at is not None:
        abort(404)
    return track


def _render(track: Track, form: RequestForm | None = None, error: str | None = None) -> str:
    language = content_language()
    view, permit = track_reads.track_view(track), permit_view(track, language)
    to_permit = view.progress.stage.advances_to is StageKey.PERMIT
    return render_template(
        "child/track.html",
        view=view,
        age_gate=age_gate.gate(track) if to_permit else None,
        steps=steps.child_steps(view.progress, permit.schedule if permit else None),
        name=operations.track_name(track),
        form=form or RequestForm(),
        error=error,
        permit=permit,
        tips=tips_for(language),
        connections=connections_for(language),
    )
