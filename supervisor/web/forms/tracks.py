"""Forms for tracks and their transitions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from supervisor.content.platforms import PLATFORMS
from supervisor.stages.base import StageKey
from supervisor.web.forms.fields import ExtraValidators, SelectChoice, one_line, strip

OTHER = "other"  # the network the family names itself; "Other" is a word, not a name


class AddTrackForm(FlaskForm):
    platform = SelectField(
        _l("Social network"),
        choices=[SelectChoice("", _l("Choose a network"))]
        + [
            SelectChoice(p.key, _l("Other") if p.key == OTHER else p.name)
            for p in PLATFORMS.values()
        ],
        validators=[DataRequired(_l("Choose the social network."))],
    )
    other_name = StringField(
        _l("Name of the network (for “Other”)"),
        validators=[Optional(), Length(max=40)],
        filters=[one_line],
    )

    def validate(self, extra_validators: ExtraValidators = None) -> bool:
        valid = super().validate(extra_validators)
        if self.platform.data == OTHER and not self.other_name.data:
            self.other_name.errors = [*self.other_name.errors, _l("Type the name of the network.")]
            return False
        return valid


RELOAD = _l("Reload the page and try again.")


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
        [DataRequired(_l("Write a reason; your child will read it."))] if required else [Optional()]
    )
    return TextAreaField(label, validators=[*checks, Length(max=2000)], filters=[strip])


class SignOffForm(FlaskForm):
    from_stage = _stage_field()
    override_reason = _reason_field(_l("Reason for signing off before everything is done"), False)


class StepBackForm(FlaskForm):
    from_stage = _stage_field()
    reason = _reason_field(_l("Why step back? Your child will read this."), True)


class DeclineForm(FlaskForm):
    reason = _reason_field(_l("Why not yet? Your child will read this."), True)


class TickForm(FlaskForm):
    item = StringField(validators=[DataRequired(), Length(max=40)])
    ticked = BooleanField()


class RequestForm(FlaskForm):
    note = TextAreaField(
        _l("In your own words: why are you ready?"),
        validators=[
            DataRequired(_l("Write a sentence or two about why you're ready.")),
            Length(max=2000),
        ],
        filters=[strip],
    )


class RemoveTrackForm(FlaskForm):
    reason = TextAreaField(
        _l("Why remove it?"),
        validators=[DataRequired(_l("Say why, for the other guardians.")), Length(max=500)],
        filters=[strip],
        description=_l(
            "The track's history is kept with this reason; it no longer shows as a track."
        ),
    )


class ChecklistItemForm(FlaskForm):
    label = StringField(
        _l("Add your own item"),
        validators=[DataRequired(_l("Write the item.")), Length(max=200)],
        filters=[one_line],
    )
