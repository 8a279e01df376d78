"""Forms for the learner's permit. None of them has, or will ever have, a password field for a
social-media account."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from supervisor import clock
from supervisor.auth.forms import strip
from supervisor.permit.monitoring import ARRANGEMENTS
from supervisor.permit.records import MOMENT_KINDS, OUTCOMES
from supervisor.permit.schedule import FREQUENCIES, WEEKDAYS, window
from supervisor.templating import family_zone


class StepForm(FlaskForm):
    outcome = RadioField(
        "How did it go?",
        choices=[SelectChoice(k, v) for k, v in OUTCOMES.items()],
        validators=[InputRequired("Choose how this step went.")],
    )
    note = TextAreaField(
        "Note (what you chose instead, or where you looked)",
        validators=[Optional(), Length(max=500)],
        filters=[strip],
    )

    def validate(self, extra_validators: object = None) -> bool:
        valid = super().validate(extra_validators)  # type: ignore[arg-type]
        if self.outcome.data == "different" and not self.note.data:
            self.note.errors = [*self.note.errors, "Write what you chose instead."]
            return False
        return valid


class MonitoringForm(FlaskForm):
    arrangement = RadioField(
        "How will a guardian look in?",
        choices=[SelectChoice(a.key, a.title) for a in ARRANGEMENTS.values()],
        validators=[InputRequired("Choose one of the three.")],
    )


class ScheduleForm(FlaskForm):
    frequency = SelectField(
        "How often", choices=[SelectChoice(k, v) for k, v in FREQUENCIES.items()]
    )
    every_days = IntegerField(
        "Every how many days (for “Every few days”)",
        default=10,
        validators=[Optional(), NumberRange(2, 60, "Between 2 and 60 days.")],
    )
    weekday = SelectField(
        "Preferred day", coerce=int, choices=[SelectChoice(i, d) for i, d in enumerate(WEEKDAYS)]
    )
    at_time = StringField(
        "Time",
        default="18:00",
        validators=[
            DataRequired("Give a time."),
            # \Z, not $: "$" also matches before a final newline, one character too many.
            Regexp(r"([01][0-9]|2[0-3]):[0-5][0-9]\Z", message="Use a time like 18:30."),
        ],
    )
    minutes = IntegerField(
        "Expected length (minutes)",
        default=20,
        validators=[
            InputRequired("How long, roughly?"),
            NumberRange(5, 180, "Between 5 and 180 minutes."),
        ],
    )
    starts_on = DateField("Starting", validators=[InputRequired("Choose a start date.")])
    fade1_on = DateField("Then, from", validators=[Optional()])
    fade1_frequency = SelectField(
        "then check in",
        choices=[SelectChoice("", "—")]
        + [SelectChoice(k, v) for k, v in FREQUENCIES.items() if k != "days"],
    )
    fade2_on = DateField("And from", validators=[Optional()])
    fade2_frequency = SelectField(
        "and then check in",
        choices=[SelectChoice("", "—")]
        + [SelectChoice(k, v) for k, v in FREQUENCIES.items() if k != "days"],
    )

    def validate(self, extra_validators: object = None) -> bool:
        valid = super().validate(extra_validators)  # type: ignore[arg-type]
        earliest, latest = window(clock.now().astimezone(family_zone()).date())
        for field in (self.starts_on, self.fade1_on, self.fade2_on):
            if field.data and not earliest <= field.data <= latest:
                field.errors = [
                    *field.errors,
                    f"Choose a date from {earliest:%-d %B %Y} to {latest:%-d %B %Y}.",
                ]
                valid = False
        previous = self.starts_on.data
        for on, frequency in (
            (self.fade1_on, self.fade1_frequency),
            (self.fade2_on, self.fade2_frequency),
        ):
            if bool(on.data) != bool(frequency.data):
                on.errors = [*on.errors, "Give both a date and how often, or neither."]
                valid = False
            elif on.data and previous and on.data <= previous:
                on.errors = [*on.errors, "Each step of the plan must come after the one before."]
                valid = False
            previous = on.data or previous
        if self.frequency.data == "days" and not self.every_days.data:
            self.every_days.errors = [*self.every_days.errors, "Say every how many days."]
            valid = False
        return valid


class CheckInForm(FlaskForm):
    due_on = SelectField("Which check-in", validators=[DataRequired("Choose the check-in.")])
    held = RadioField(
        "Did it happen?",
        choices=[SelectChoice("held", "We held it"), SelectChoice("skipped", "We skipped it")],
        validators=[InputRequired("Say whether it happened.")],
    )
    prompts = SelectMultipleField("Prompts we used", choices=[])
    moments = SelectMultipleField("Learning moments we talked through", coerce=int, choices=[])
    shared_notes = TextAreaField(
        "Notes the child can read", validators=[Optional(), Length(max=2000)], filters=[strip]
    )
    private_notes = TextAreaField(
        "Notes for guardians only",
        description="Your child is told that private notes exist.",
        validators=[Optional(), Length(max=2000)],
        filters=[strip],
    )


class MomentForm(FlaskForm):
    kind = SelectField(
        "What kind of moment", choices=[SelectChoice(k, v) for k, v in MOMENT_KINDS.items()]
    )
    what_happened = TextAreaField(
        "What happened",
        validators=[DataRequired("Say what happened."), Length(max=2000)],
        filters=[strip],
    )
    lesson = SelectField("A lesson to revisit", choices=[])


class ReflectionForm(FlaskForm):
    reflection = TextAreaField(
        "In your own words: what happened, and what would you do next time?",
        validators=[DataRequired("Write a sentence or two."), Length(max=2000)],
        filters=[strip],
    )


class AgreeForm(FlaskForm):
    """A child's "I agree", naming the version of the terms the page showed (target 24)."""

    agree = BooleanField("I agree", validators=[DataRequired("Tick “I agree” to agree.")])
    terms = HiddenField(validators=[DataRequired(), Length(max=40)])
