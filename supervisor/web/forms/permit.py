"""Forms for the learner's permit. None of them has, or will ever have, a password field for a
social-media account."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from supervisor import clock
from supervisor.content.monitoring import arrangements_for
from supervisor.local_time import family_zone, when
from supervisor.permit.reads import MOMENT_KINDS, OUTCOMES
from supervisor.stages.schedule import FREQUENCIES, WEEKDAYS, window
from supervisor.web.forms.fields import CheckboxesField, ExtraValidators, SelectChoice, strip
from supervisor.web.forms.tablet import pin_field
from supervisor.web.language import content_language


class StepForm(FlaskForm):
    outcome = RadioField(
        _l("How did it go?"),
        choices=[SelectChoice(k, v) for k, v in OUTCOMES.items()],
        validators=[InputRequired(_l("Choose how this step went."))],
    )
    note = TextAreaField(
        _l("Note (what you chose instead, or where you looked)"),
        validators=[Optional(), Length(max=500)],
        filters=[strip],
    )

    def validate(self, extra_validators: ExtraValidators = None) -> bool:
        valid = super().validate(extra_validators)
        if self.outcome.data == "different" and not self.note.data:
            self.note.errors = [*self.note.errors, _l("Write what you chose instead.")]
            return False
        return valid


def _arrangements() -> list[SelectChoice]:
    """The three arrangements' choices, in the page's language when the form is shown."""
    return [SelectChoice(a.key, a.title) for a in arrangements_for(content_language()).values()]


class MonitoringForm(FlaskForm):
    arrangement = RadioField(
        _l("How will a guardian look in?"),
        choices=_arrangements,
        validators=[InputRequired(_l("Choose one of the three."))],
    )


class ScheduleForm(FlaskForm):
    frequency = SelectField(
        _l("How often"), choices=[SelectChoice(k, _l(v)) for k, v in FREQUENCIES.items()]
    )
    every_days = IntegerField(
        _l("Every how many days (for “Every few days”)"),
        default=10,
        validators=[Optional(), NumberRange(2, 60, _l("Between 2 and 60 days."))],
    )
    weekday = SelectField(
        _l("Preferred day"),
        coerce=int,
        choices=[SelectChoice(i, _l(d)) for i, d in enumerate(WEEKDAYS)],
    )
    at_time = StringField(
        _l("Time"),
        default="18:00",
        validators=[
            DataRequired(_l("Give a time.")),
            # \Z, not $: "$" also matches before a final newline, one character too many.
            Regexp(r"([01][0-9]|2[0-3]):[0-5][0-9]\Z", message=_l("Use a time like 18:30.")),
        ],
    )
    minutes = IntegerField(
        _l("Expected length (minutes)"),
        default=20,
        validators=[
            InputRequired(_l("How long, roughly?")),
            NumberRange(5, 180, _l("Between 5 and 180 minutes.")),
        ],
    )
    starts_on = DateField(_l("Starting"), validators=[InputRequired(_l("Choose a start date."))])
    fade1_on = DateField(_l("Then, from"), validators=[Optional()])
    fade1_frequency = SelectField(
        _l("then check in"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(k, _l(v)) for k, v in FREQUENCIES.items() if k != "days"],
    )
    fade2_on = DateField(_l("And from"), validators=[Optional()])
    fade2_frequency = SelectField(
        _l("and then check in"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(k, _l(v)) for k, v in FREQUENCIES.items() if k != "days"],
    )

    def validate(self, extra_validators: ExtraValidators = None) -> bool:
        valid = super().validate(extra_validators)
        earliest, latest = window(clock.now().astimezone(family_zone()).date())
        for field in (self.starts_on, self.fade1_on, self.fade2_on):
            if field.data and not earliest <= field.data <= latest:
                field.errors = [
                    *field.errors,
                    _(
                        "Choose a date from %(earliest)s to %(latest)s.",
                        earliest=when(earliest, "long-date"),
                        latest=when(latest, "long-date"),
                    ),
                ]
                valid = False
        previous = self.starts_on.data
        for on, frequency in (
            (self.fade1_on, self.fade1_frequency),
            (self.fade2_on, self.fade2_frequency),
        ):
            if bool(on.data) != bool(frequency.data):
                on.errors = [*on.errors, _l("Give both a date and how often, or neither.")]
                valid = False
            elif on.data and previous and on.data <= previous:
                on.errors = [
                    *on.errors,
                    _l("Each step of the plan must come after the one before."),
                ]
                valid = False
            previous = on.data or previous
        if self.frequency.data == "days" and not self.every_days.data:
            self.every_days.errors = [*self.every_days.errors, _l("Say every how many days.")]
            valid = False
        return valid


class _CheckInRecordForm(FlaskForm):
    """What a check-in's record says: the fields a record and its correction share."""

    held = RadioField(
        _l("Did it happen?"),
        choices=[
            SelectChoice("held", _l("We held it")),
            SelectChoice("skipped", _l("We skipped it")),
        ],
        validators=[InputRequired(_l("Say whether it happened."))],
    )
    moments = CheckboxesField(_l("Learning moments we talked through"), coerce=int, choices=[])
    prompts = CheckboxesField(_l("Prompts we used"), choices=[])
    shared_notes = TextAreaField(
        _l("Notes the child can read"), validators=[Optional(), Length(max=2000)], filters=[strip]
    )
    private_notes = TextAreaField(
        _l("Notes for guardians only"),
        description=_l("Your child is told that private notes exist."),
        validators=[Optional(), Length(max=2000)],
        filters=[strip],
    )
    today: date = date.min  # set by the view, in the family's zone

    def validate(self, extra_validators: ExtraValidators = None) -> bool:
        valid = super().validate(extra_validators)
        return self._held_or_nothing() and valid

    def _held_or_nothing(self) -> bool:
        """A skipped check-in used no prompts and talked nothing through: say so, keep the
        ticks."""
        if self.held.data == "skipped" and (self.prompts.data or self.moments.data):
            self.held.errors = [
                *self.held.errors,
                _(
                    "A skipped check-in used no prompts and talked no moments through: untick "
                    "them, or choose “We held it”."
                ),
            ]
            return False
        return True


class CheckInForm(_CheckInRecordForm):
    """Recording a check-in. The view sets ``recorded`` (due dates with a record) and
    ``today`` so a date that cannot be chosen gets its reason."""

    due_on = SelectField(
        _l("Which check-in"), validators=[DataRequired(_l("Choose the check-in."))]
    )
    recorded: set[date] = set()  # noqa: RUF012 - replaced per request by the view

    def validate(self, extra_validators: ExtraValidators = None) -> bool:
        valid = super().validate(extra_validators)
        if self.due_on.errors:
            self.due_on.errors = [self._why_not(self.due_on.data)]
        return valid

    def _why_not(self, value: str | None) -> str:
        """Why a submitted due date is not offered, in words."""
        try:
            day = date.fromisoformat(value or "")
        except ValueError:
            return _("Choose one of the check-ins listed.")
        if day in self.recorded:
            return recorded_already(day)
        if day > self.today:
            return _(
                "The check-in of %(day)s hasn't come yet: record it on the day or after.",
                day=when(day, "weekday-day-month"),
            )
        return _("Choose one of the check-ins listed.")


class TogetherForm(CheckInForm):
    """A check-in held together on the family tablet: no private notes (the child reads
    everything they confirm), and at the end the child's PIN, or saving without it. The view
    offers "pin" only on the family's own tablet, for a child who has a PIN."""

    private_notes = None  # type: ignore[assignment]  # a form field removed, WTForms' way
    shared_notes = TextAreaField(
        _l("Notes we typed together"), validators=[Optional(), Length(max=2000)], filters=[strip]
    )
    confirmation = RadioField(
        _l("At the end"), choices=[], validators=[InputRequired(_l("Choose one."))]
    )
    pin = pin_field(_l("PIN"))

    def validate(self, extra_validators: ExtraValidators = None) -> bool:
        if self.confirmation.data != "pin":
            self.pin.data = ""  # only a PIN meant to confirm is ever checked
            self.pin.validators = []
        return super().validate(extra_validators)


class CheckInNoteForm(FlaskForm):
    """The child's own note on a check-in; ``version`` names the note the page showed."""

    note = TextAreaField(
        _l("Your note"),
        validators=[DataRequired(_l("Write a sentence or two.")), Length(max=2000)],
        filters=[strip],
    )
    version = HiddenField(validators=[DataRequired(), Regexp(r"(new|[0-9]{1,9})\Z")])


def recorded_already(day: date) -> str:
    """A second record of one date is refused: the first is corrected instead."""
    return _(
        "The check-in of %(day)s is recorded already. To change it, correct that record on the "
        "track page.",
        day=when(day, "weekday-day-month"),
    )


class CorrectCheckInForm(_CheckInRecordForm):
    """A correction of a check-in's record: new values and why (the old record is kept)."""

    reason = TextAreaField(
        _l("Why the correction"),
        description=_l("Everyone who can see this check-in, your child too, reads this reason."),
        validators=[DataRequired(_l("Say why you are correcting it.")), Length(max=500)],
        filters=[strip],
    )
    version = HiddenField(validators=[DataRequired(), Regexp(r"[0-9]{1,9}\Z")])
    due_on: date = date.min  # set by the view: a day to come cannot have been held

    def validate(self, extra_validators: ExtraValidators = None) -> bool:
        valid = super().validate(extra_validators)
        if self.held.data == "held" and self.due_on > self.today:
            self.held.errors = [
                *self.held.errors,
                _(
                    "The check-in of %(day)s hasn't come yet, so it can't have been held. Choose "
                    "“We skipped it”, or correct it on the day or after.",
                    day=when(self.due_on, "weekday-day-month"),
                ),
            ]
            valid = False
        return valid


class WithdrawMomentForm(FlaskForm):
    """Withdrawing a learning moment logged by mistake: it is kept, marked, with the reason."""

    reason = TextAreaField(
        _l("Why withdraw it"),
        description=_l("Everyone who can see this moment, your child too, reads this reason."),
        validators=[DataRequired(_l("Say why you are withdrawing it.")), Length(max=500)],
        filters=[strip],
    )
    version = HiddenField(validators=[DataRequired(), Regexp(r"[0-9]{1,9}\Z")])


class MomentForm(FlaskForm):
    kind = SelectField(
        _l("What kind of moment"), choices=[SelectChoice(k, v) for k, v in MOMENT_KINDS.items()]
    )
    what_happened = TextAreaField(
        _l("What happened"),
        validators=[DataRequired(_l("Say what happened.")), Length(max=2000)],
        filters=[strip],
    )
    lesson = SelectField(_l("A lesson to revisit"), choices=[])


class ReflectionForm(FlaskForm):
    reflection = TextAreaField(
        _l("In your own words: what happened, and what would you do next time?"),
        validators=[DataRequired(_l("Write a sentence or two.")), Length(max=2000)],
        filters=[strip],
    )


class AgreeForm(FlaskForm):
    """A child's _l("I agree"), naming the version of the terms the page showed (target 24)."""

    agree = BooleanField(_l("I agree"), validators=[DataRequired(_l("Tick “I agree” to agree."))])
    terms = HiddenField(validators=[DataRequired(), Length(max=40)])
