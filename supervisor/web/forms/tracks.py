"""Forms for tracks and their transitions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from supervisor.content.platforms import PLATFORMS
from supervisor.stages.base import StageKey
from supervisor.web.forms.fields import ExtraValidators, SelectChoice, one_line, strip


class AddTrackForm(FlaskForm):
    platform = SelectField(
        "Social network",
        choices=[SelectChoice("", "Choose a network")]
        + [SelectChoice(p.key, p.name) for p in PLATFORMS.values()],
        validators=[DataRequired("Choose the social network.")],
    )
    other_name = StringField(
        "Name of the network (for “Other”)",
        validators=[Optional(), Length(max=40)],
        filters=[one_line],
    )

    def validate(self, extra_validators: ExtraValidators = None) -> bool:
        valid = super().validate(extra_validators)
        if self.platform.data == "other" and not self.other_name.data:
            self.other_name.errors = [*self.other_name.errors, "Type the name of the network."]
            return False
        return valid


RELOAD = "Reload the page and try again."


class StageField(HiddenField):
    """The stage the page showed, read back as a ``StageKey``; anything else asks for a reload."""

    data: StageKey | None

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and valuelist[0]:  # none at all: ``InputRequired`` says so
            try:
                self.data = StageKey(valuelist[0])
            except ValueError:
                self.data = None
                raise ValueError(RELOAD) from None


def _stage_field() -> StageField:
    return StageField(validators=[InputRequired(RELOAD)])


def _reason_field(label: str, required: bool) -> TextAreaField:
    checks = (
        [DataRequired("Write a reason; your child will read it.")] if required else [Optional()]
    )
    return TextAreaField(label, validators=[*checks, Length(max=2000)], filters=[strip])


class SignOffForm(FlaskForm):
    from_stage = _stage_field()
    override_reason = _reason_field("Reason for signing off before everything is done", False)


class StepBackForm(FlaskForm):
    from_stage = _stage_field()
    reason = _reason_field("Why step back? Your child will read this.", True)


class DeclineForm(FlaskForm):
    reason = _reason_field("Why not yet? Your child will read this.", True)


class TickForm(FlaskForm):
    item = StringField(validators=[DataRequired(), Length(max=40)])
    ticked = BooleanField()


class RequestForm(FlaskForm):
    note = TextAreaField(
        "In your own words: why are you ready?",
        validators=[
            DataRequired("Write a sentence or two about why you're ready."),
            Length(max=2000),
        ],
        filters=[strip],
    )


class RemoveTrackForm(FlaskForm):
    reason = TextAreaField(
        "Why remove it?",
        validators=[DataRequired("Say why, for the other guardians."), Length(max=500)],
        filters=[strip],
        description="The track's history is kept with this reason; it no longer shows as a track.",
    )


class ChecklistItemForm(FlaskForm):
    label = StringField(
        "Add your own item",
        validators=[DataRequired("Write the item."), Length(max=200)],
        filters=[one_line],
    )
