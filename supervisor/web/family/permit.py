"""Guardians' permit pages for a track: the walkthrough, the monitoring arrangement, the
check-in schedule, check-ins and learning moments."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from supervisor import audit, clock
from supervisor.content.lessons import lessons_for
from supervisor.content.monitoring import arrangements_for, hovering_for
from supervisor.content.walkthroughs import for_platform
from supervisor.extensions import db
from supervisor.lessons import prompts
from supervisor.local_time import family_zone, when
from supervisor.models import CheckIn, CheckInSchedule, LearningMoment, Track, WalkthroughRun
from supervisor.notices import N_, Moment, notice
from supervisor.permit import operations, reads, together, who
from supervisor.stages import schedule
from supervisor.stages.ages import age_now
from supervisor.stages.base import StageKey
from supervisor.tablet import devices, pins
from supervisor.tracks.operations import track_name
from supervisor.web import authority
from supervisor.web.access import current_guardian, family_row_or_404, require_guardian
from supervisor.web.agreement import agreement_page
from supervisor.web.errors import render_error
from supervisor.web.forms.fields import choices, required
from supervisor.web.forms.permit import (
    CheckInForm,
    CorrectCheckInForm,
    MomentForm,
    MonitoringForm,
    ScheduleForm,
    StepForm,
    TogetherForm,
    WithdrawMomentForm,
    recorded_already,
)
from supervisor.web.language import content_language
from supervisor.words import say

bp = Blueprint("permit", __name__, url_prefix="/family/tracks/<int:track_id>")
bp.before_request(require_guardian)


bp.add_app_template_global(reads.schedule_terms, "schedule_terms")


bp.add_app_template_global(who.guardian_name, "guardian_name")


@bp.app_template_global("rhythm_text")
def rhythm_text(version: CheckInSchedule) -> str:
    """A schedule version in words, for guardian and child pages alike."""
    return say(reads.rhythm(version).describe())


@bp.route("/walkthrough", methods=["GET", "POST"])
def walkthrough(track_id: int) -> str | Response | tuple[str, int]:
    """The platform's privacy walkthrough: earlier runs, and start or carry on."""
    track = family_row_or_404(Track, track_id)
    if (closed := _walkthrough_closed(track)) is not None:
        return closed
    guide = for_platform(track.platform, content_language())
    runs = reads.runs(track)
    open_run = next((r for r in reversed(runs) if r.finished_at is None), None)
    if request.method == "POST":  # start a new run, or carry on with the open one
        run = open_run or operations.start_run(track)
        return redirect(
            url_for(
                "permit.walkthrough_step",
                track_id=track.id,
                run_id=run.id,
                step=min(len(run.answers), len(guide.steps) - 1),
            )
        )
    return _page(
        "permit/walkthrough.html",
        track,
        guide=guide,
        runs=runs,
        open_run=open_run,
        stale=guide.stale_steps(clock.now()),
        outcomes={key: str(said) for key, said in reads.OUTCOMES.items()},
    )


@bp.route("/walkthrough/<int:run_id>/<int:step>", methods=["GET", "POST"])
def walkthrough_step(track_id: int, run_id: int, step: int) -> str | Response | tuple[str, int]:
    """One setting: where to find it, what we recommend, why; and how it went."""
    track = family_row_or_404(Track, track_id)
    run = db.session.get(WalkthroughRun, run_id)
    guide = for_platform(track.platform, content_language())
    if run is None or run.track_id != track.id or not 0 <= step < len(guide.steps):
        abort(404)
    if (closed := _walkthrough_closed(track)) is not None:
        return closed
    saved = next((a for a in run.answers if a.step == step), None)
    form = StepForm(obj=saved)
    if form.validate_on_submit():
        operations.answer_step(run, guide, step, form.outcome.data, form.note.data)
        if step + 1 < len(guide.steps):
            return redirect(
                url_for("permit.walkthrough_step", track_id=track.id, run_id=run.id, step=step + 1)
            )
        flash(_("Walkthrough finished. Well done, both of you."), "success")
        return redirect(url_for("permit.walkthrough", track_id=track.id))
    return _page(
        "permit/step.html",
        track,
        guide=guide,
        run=run,
        step=step,
        form=form,
        stale=guide.stale_steps(clock.now()),
    )


@bp.route("/monitoring", methods=["GET", "POST"])
def monitoring(track_id: int) -> str | Response | tuple[str, int]:
    """Choose how a guardian looks in during the permit."""
    track = family_row_or_404(Track, track_id)
    if (wrong_stage := _not_at_permit(track)) is not None:
        return wrong_stage
    form = MonitoringForm(arrangement=track.monitoring)
    if form.validate_on_submit():
        operations.choose_arrangement(current_guardian(), track, form.arrangement.data)
        flash(
            _("The arrangement is saved. Your child sees it on every page of their profile."),
            "success",
        )
        return redirect(url_for("tracks.show", track_id=track.id))
    return _page(
        "permit/monitoring.html",
        track,
        form=form,
        arrangements=arrangements_for(content_language()),
        hovering=hovering_for(content_language()),
    )


@bp.route("/schedule", methods=["GET", "POST"])
def checkin_schedule(track_id: int) -> str | Response | tuple[str, int]:
    """Agree a check-in rhythm (and a plan to relax it); the child then taps "I agree"."""
    track = family_row_or_404(Track, track_id)
    if (wrong_stage := _not_at_permit(track)) is not None:
        return wrong_stage
    zone = family_zone()
    state = reads.schedule_state(track, zone)
    age = age_now(track.child.birth_year, track.child.birth_month)
    suggested = schedule.suggested_frequency(age)
    form = ScheduleForm(
        frequency=suggested, starts_on=clock.now().astimezone(zone).date() + timedelta(days=1)
    )
    if form.validate_on_submit():
        every = (form.every_days.data or 0) if form.frequency.data == "days" else 0
        at_time = required(form.at_time.data)
        versions = [
            schedule.Rhythm(
                form.frequency.data,
                every,
                form.weekday.data,
                at_time,
                required(form.starts_on.data),
            )
        ]
        for on, frequency in (
            (form.fade1_on.data, form.fade1_frequency.data),
            (form.fade2_on.data, form.fade2_frequency.data),
        ):
            if on:
                versions.append(schedule.Rhythm(frequency, 0, form.weekday.data, at_time, on))
        operations.propose(current_guardian(), track, versions, required(form.minutes.data))
        flash(
            _(
                "Schedule proposed. It starts once %(child)s taps “I agree”.",
                child=track.child.display_name,
            ),
            "success",
        )
        return redirect(url_for("tracks.show", track_id=track.id))
    return _page(
        "permit/schedule.html",
        track,
        form=form,
        state=state,
        suggested=_(schedule.SUGGESTIONS[suggested]),
        why_suggested=_(schedule.why_suggested(age)),
    )


@bp.route("/checkins/new", methods=["GET", "POST"])
def record_checkin(track_id: int) -> str | Response | tuple[str, int]:
    """Record a check-in whose day has come: held or skipped, prompts, notes, moments."""
    track = family_row_or_404(Track, track_id)
    if (wrong_stage := _not_at_permit(track)) is not None:
        return wrong_stage
    zone = family_zone()
    state = reads.schedule_state(track, zone)
    form = CheckInForm()
    form.recorded, form.today = state.covered, clock.now().astimezone(zone).date()
    form.due_on.choices = choices((d.isoformat(), _due_day(d, state)) for d in state.recordable)
    agenda = reads.on_agenda(reads.moments(track))
    form.moments.choices = choices((m.id, _short(m.what_happened)) for m in agenda)
    bank = _prompt_choices(track)
    form.prompts.choices = choices(bank.items())
    if request.method == "GET" and not state.recordable:
        flash(_nothing_to_record(state), "info")
    elif form.validate_on_submit():
        try:
            operations.record_checkin(
                current_guardian(),
                track,
                date.fromisoformat(form.due_on.data),
                form.held.data == "held",
                [text for key, text in bank.items() if key in required(form.prompts.data)],
                form.shared_notes.data,
                form.private_notes.data,
                required(form.moments.data),
            )
        except operations.AlreadyRecorded:  # saved by someone else a moment ago
            form.due_on.errors = [recorded_already(date.fromisoformat(form.due_on.data))]
            return _page("permit/checkin.html", track, form=form, state=state), 409
        flash(_("The check-in is recorded."), "success")
        return redirect(url_for("tracks.show", track_id=track.id))
    return _page("permit/checkin.html", track, form=form, state=state)


@bp.route("/checkins/together", methods=["GET", "POST"])
def checkin_together(track_id: int) -> str | Response | tuple[str, int]:
    """A check-in held together, guardian and child side by side: the agenda, notes typed
    together, and at the end the child's PIN: "I was there, and this is what we said".

    The PIN is checked only on the family's own tablet, with the tablet's count of wrong PINs
    (the same lockout as opening the profile). Saved without it, the check-in still counts,
    marked not confirmed.
    """
    track = family_row_or_404(Track, track_id)
    if (wrong_stage := _not_at_permit(track)) is not None:
        return wrong_stage
    zone = family_zone()
    state = reads.schedule_state(track, zone)
    child = track.child
    device = devices.current()
    on_tablet = device is not None and device.family_id == track.family_id
    form = TogetherForm()
    form.recorded, form.today = state.covered, clock.now().astimezone(zone).date()
    form.due_on.choices = choices((d.isoformat(), _due_day(d, state)) for d in state.recordable)
    agenda = together.agenda(track, zone, content_language())
    form.moments.choices = choices((m.id, _short(m.what_happened)) for m in agenda.moments)
    bank = _prompt_choices(track)
    form.prompts.choices = choices(bank.items())
    can_confirm = on_tablet and child.pin_hash is not None
    form.confirmation.choices = choices(
        (
            [("pin", _("%(child)s confirms with their PIN", child=child.display_name))]
            if can_confirm
            else []
        )
        + [
            (
                "unconfirmed",
                _("Save it without %(child)s's confirmation", child=child.display_name),
            )
        ]
    )
    status = 200
    if request.method == "GET" and not state.recordable:
        flash(_nothing_to_record(state), "info")
    elif form.validate_on_submit():
        confirmed = None
        if form.confirmation.data == "pin" and device is not None:
            result = pins.check(child, device, required(form.pin.data))
            if result.ok:
                confirmed = child
            else:
                audit.record(
                    "checkin_confirm", audit.FAILURE, family_id=child.family_id, actor=child
                )
                if result.locked:
                    audit.record(
                        "pin_lockout", audit.DENIED, family_id=child.family_id, actor=child
                    )
                form.pin.errors = [pins.message(result)]
                status = 200 if result.attempts_left else 429
        if form.confirmation.data != "pin" or confirmed is not None:
            try:
                checkin = operations.record_checkin(
                    current_guardian(),
                    track,
                    date.fromisoformat(form.due_on.data),
                    form.held.data == "held",
                    [text for key, text in bank.items() if key in required(form.prompts.data)],
                    form.shared_notes.data,
                    None,
                    required(form.moments.data),
                    confirmed_by=confirmed,
                )
            except operations.AlreadyRecorded:
                form.due_on.errors = [recorded_already(date.fromisoformat(form.due_on.data))]
                status = 409
            else:
                authority.done(
                    f"checkin:{checkin.id}" + (" confirmed" if confirmed else " unconfirmed"),
                    by=current_guardian(),
                )
                flash(_together_saved(checkin, child.display_name), "success")
                return redirect(url_for("tracks.show", track_id=track.id))
    page = _page(
        "permit/together.html",
        track,
        form=form,
        state=state,
        agenda=agenda,
        on_tablet=on_tablet,
        track_name=track_name,
    )
    return page, status


def _due_day(day: date, state: reads.ScheduleState) -> str:
    """A check-in's day as the form offers it, marked when it is overdue."""
    named = when(day, "weekday-day-month")
    return _("%(day)s (overdue)", day=named) if day in state.overdue else named


def _together_saved(checkin: CheckIn, child: str) -> str:
    """What was saved, in words true of this record: only a held check-in counts."""
    if checkin.child_confirmed_at is not None:
        return _("The check-in is recorded. %(child)s confirmed it with their PIN.", child=child)
    if checkin.held:
        return _(
            "The check-in is recorded. It counts, marked not confirmed by %(child)s.", child=child
        )
    return _("The check-in is recorded as skipped, marked not confirmed by %(child)s.", child=child)


@bp.route("/checkins/<int:checkin_id>/correct", methods=["GET", "POST"])
def correct_checkin(track_id: int, checkin_id: int) -> str | Response | tuple[str, int]:
    """Correct a check-in's record with a reason: a new record replaces it, the old one stays
    in the history, and everyone who can see the check-in sees why."""
    track = family_row_or_404(Track, track_id)
    checkin = db.session.get(CheckIn, checkin_id)
    if checkin is None or checkin.track_id != track.id:
        abort(404)
    if (wrong_stage := _not_at_permit(track)) is not None:
        return wrong_stage
    guardian = current_guardian()
    bank = _prompt_choices(track, also=checkin.prompts_used)
    form = CorrectCheckInForm(data=_as_form(checkin, bank))
    form.due_on, form.today = checkin.due_on, clock.now().astimezone(family_zone()).date()
    form.prompts.choices = choices(bank.items())
    moments = reads.moments(track)
    talked = [m for m in moments if m.id in checkin.moments_talked and m.withdrawn_at is None]
    form.moments.choices = choices(
        (m.id, _short(m.what_happened)) for m in [*talked, *reads.on_agenda(moments)]
    )
    current = checkin.replaced_at is None
    if current and form.validate_on_submit():
        try:
            operations.correct_checkin(
                guardian,
                checkin,
                int(required(form.version.data)),
                form.held.data == "held",
                [text for key, text in bank.items() if key in required(form.prompts.data)],
                form.shared_notes.data,
                form.private_notes.data,
                required(form.moments.data),
                required(form.reason.data),
            )
        except operations.Changed:
            return _correction_page(track, checkin, form, CORRECTED_MEANWHILE), 409
        authority.done(
            f"checkin:{checkin.id}",
            notice(
                N_(
                    "%(guardian)s corrected the check-in of %(day)s for %(child)s · %(track)s: "
                    "%(reason)s"
                ),
                guardian=guardian.name,
                day=Moment(checkin.due_on, "long-date"),
                child=track.child.display_name,
                track=track_name(track),
                reason=required(form.reason.data),
            ),
            by=guardian,
        )
        flash(_("The check-in is corrected. The earlier record stays in its history."), "success")
        return redirect(url_for("tracks.show", track_id=track.id))
    if not current:
        return _correction_page(track, checkin, form, CORRECTED_MEANWHILE), 409
    return _correction_page(track, checkin, form)


CORRECTED_MEANWHILE = _l(
    "This record was corrected since the page was opened, so your correction was not saved. "
    "What you typed is still below: look at the track page for the record as it is now."
)


def _correction_page(
    track: Track, checkin: CheckIn, form: CorrectCheckInForm, error: str | None = None
) -> str:
    return _page("permit/correct_checkin.html", track, form=form, checkin=checkin, error=error)


def _as_form(checkin: CheckIn, bank: dict[str, str]) -> dict[str, object]:
    """A record's values as the correction form starts with them."""
    return {
        "held": "held" if checkin.held else "skipped",
        "prompts": [key for key, text in bank.items() if text in checkin.prompts_used],
        "moments": checkin.moments_talked,
        "shared_notes": checkin.shared_notes,
        "private_notes": checkin.private_notes,
        "version": str(checkin.version),
    }


def _prompt_choices(track: Track, also: list[str] | None = None) -> dict[str, str]:
    """Prompt key -> text: this stage's first eight, and any a record used besides (a prompt
    the family has since changed is still offered as it was used)."""
    every = prompts.for_family(track.family_id, content_language())
    stage = [p for p in every if p.stage == track.stage]
    bank = {p.key: p.text for p in stage[:8]}
    extra = [text for text in also or [] if text not in bank.values()]
    return {**bank, **{f"used-{i}": text for i, text in enumerate(extra)}}


def _short(text: str, most: int = 80) -> str:
    """A moment's words for a checkbox or a notice: whole words, and an ellipsis when cut."""
    if len(text) <= most:
        return text
    return text[: most - 1].rsplit(" ", 1)[0] + "…"


def _nothing_to_record(state: reads.ScheduleState) -> str:
    """Why the check-in form offers no date, in words that are true now."""
    if not state.in_force:
        return _("There is no agreed check-in to record yet: agree a schedule first.")
    next_on = when(state.upcoming[0][0], "weekday-day-month") if state.upcoming else None
    if state.covered:
        if next_on:
            return _(
                "Every check-in so far is recorded. The next is on %(day)s: record it on the day "
                "or after.",
                day=next_on,
            )
        return _("Every check-in so far is recorded.")
    if next_on:
        return _(
            "No check-in is due yet. The next is on %(day)s: record it on the day or after.",
            day=next_on,
        )
    return _("No check-in is due yet.")


@bp.route("/moments/<int:moment_id>/withdraw", methods=["GET", "POST"])
def withdraw_moment(track_id: int, moment_id: int) -> str | Response | tuple[str, int]:
    """Withdraw a learning moment logged by mistake: kept and marked with the reason."""
    track = family_row_or_404(Track, track_id)
    moment = db.session.get(LearningMoment, moment_id)
    if moment is None or moment.track_id != track.id:
        abort(404)
    guardian = current_guardian()
    form = WithdrawMomentForm(version=str(moment.version))
    error = None
    if moment.withdrawn_at is None and form.validate_on_submit():
        try:
            operations.withdraw_moment(
                guardian, moment, int(required(form.version.data)), required(form.reason.data)
            )
        except operations.Changed:
            error = CHANGED_MOMENT
        else:
            authority.done(
                f"moment:{moment.id}",
                notice(
                    N_(
                        "%(guardian)s withdrew a learning moment of %(child)s · %(track)s "
                        "(“%(moment)s”): %(reason)s"
                    ),
                    guardian=guardian.name,
                    child=track.child.display_name,
                    track=track_name(track),
                    moment=_short(moment.what_happened),
                    reason=required(form.reason.data),
                ),
                by=guardian,
            )
            flash(
                _("The learning moment is withdrawn. It stays in the records, marked."), "success"
            )
            return redirect(url_for("tracks.show", track_id=track.id))
    elif moment.withdrawn_at is not None and request.method == "POST":
        error = CHANGED_MOMENT
    page = _page("permit/withdraw_moment.html", track, form=form, moment=moment, error=error)
    return (page, 409) if error else page


CHANGED_MOMENT = _l(
    "This learning moment changed since the page was opened (withdrawn, or talked through), "
    "so nothing was saved. What you typed is still below."
)


@bp.get("/agreement")
def agreement(track_id: int) -> str:
    """The printable family agreement for this track."""
    return agreement_page(family_row_or_404(Track, track_id))


@bp.route("/moments/new", methods=["GET", "POST"])
def add_moment(track_id: int) -> str | Response:
    """Log a mistake as a learning moment (never a score); the child adds their reflection."""
    track = family_row_or_404(Track, track_id)
    form = MomentForm()
    form.lesson.choices = choices(
        [
            ("", _("No lesson")),
            *((key, lesson.title) for key, lesson in lessons_for(content_language()).items()),
        ]
    )
    scheduled = bool(reads.schedule_state(track, family_zone()).in_force)
    if form.validate_on_submit():
        operations.add_moment(
            track, form.kind.data, required(form.what_happened.data), form.lesson.data or None
        )
        flash(
            _("The learning moment is logged. It will be on the next check-in's agenda.")
            if scheduled
            else _(
                "The learning moment is logged. It goes on the agenda once a check-in schedule "
                "is agreed."
            ),
            "success",
        )
        return redirect(url_for("tracks.show", track_id=track.id))
    return _page("permit/moment.html", track, form=form, scheduled=scheduled)


def _walkthrough_closed(track: Track) -> tuple[str, int] | None:
    """The walkthrough sets up the account, so it belongs to the learner's permit alone: the
    account is made together when the permit starts, and with the licence it has ended."""
    if track.stage is StageKey.PERMIT:
        return None
    said = {"child": track.child.display_name, "track": track_name(track)}
    if track.stage is StageKey.INSTRUCTION:
        return render_error(
            409,
            _(
                "The privacy walkthrough opens once %(child)s's %(track)s is in the learner's "
                "permit: the account is made together first.",
                **said,
            ),
        )
    return render_error(
        409,
        _(
            "The privacy walkthrough belongs to the learner's permit; %(child)s's %(track)s is "
            "at %(stage)s now.",
            stage=_(track.stage.label),
            **said,
        ),
    )


def _not_at_permit(track: Track) -> tuple[str, int] | None:
    """Monitoring and check-ins belong to the learner's permit alone: before it there is no
    account to look in on, and with the licence looking in has ended."""
    if track.stage is StageKey.PERMIT:
        return None
    return render_error(
        409,
        _(
            "How a guardian looks in and the check-ins belong to the learner's permit; "
            "%(child)s's %(track)s is at %(stage)s now.",
            child=track.child.display_name,
            track=track_name(track),
            stage=_(track.stage.label),
        ),
    )


def _page(template: str, track: Track, **context: object) -> str:
    """A permit page: every one names the child and the track it belongs to."""
    return render_template(template, track=track, name=track_name(track), **context)
