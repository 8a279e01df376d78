"""Forms for the family area."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from supervisor import clock
from supervisor.local_time import month_names
from supervisor.stages.ages import ADULT, age_now
from supervisor.web.forms.fields import ExtraValidators, SelectChoice, one_line, strip
from supervisor.web.forms.where import WhereWeLiveForm

# A child's avatar: the key the child table stores (a picture in static/icons/fluent/) and its name.
AVATARS = {
    "fox": _l("Fox"),
    "panda": _l("Panda"),
    "octopus": _l("Octopus"),
    "owl": _l("Owl"),
    "turtle": _l("Turtle"),
    "unicorn": _l("Unicorn"),
    "bee": _l("Bee"),
    "dolphin": _l("Dolphin"),
    "rocket": _l("Rocket"),
    "football": _l("Football"),
    "guitar": _l("Guitar"),
    "sunflower": _l("Sunflower"),
}
COLOURS = {
    "sky": _l("Sky blue"),
    "leaf": _l("Leaf green"),
    "sun": _l("Sunflower"),
    "coral": _l("Coral"),
    "plum": _l("Plum"),
    "slate": _l("Slate"),
}
OLDEST_AGE = 19


class ChildProfileForm(FlaskForm):
    """What a child's profile looks like: a name to show, an avatar and a colour."""

    display_name = StringField(
        _l("Name to show"),
        validators=[DataRequired(_l("Give the profile a name.")), Length(max=40)],
        description=_l("A first name or nickname is enough."),
        filters=[one_line],
    )
    avatar = RadioField(
        _l("Avatar"),
        choices=[SelectChoice(key, label) for key, label in AVATARS.items()],
        validators=[
            InputRequired(_l("Pick an avatar.")),
            AnyOf(list(AVATARS), _l("Pick one of the avatars shown.")),
        ],
        validate_choice=False,  # AnyOf says it in the family's words
    )
    colour = RadioField(
        _l("Colour"),
        choices=[SelectChoice(key, label) for key, label in COLOURS.items()],
        validators=[InputRequired(_l("Pick a colour."))],
    )


def _months() -> list[SelectChoice]:
    """The birth month's choices, named in the page's language when the form is shown."""
    return [SelectChoice("", _("Choose a month"))] + [
        SelectChoice(str(number), name) for number, name in enumerate(month_names(), 1)
    ]


class BirthDateForm(FlaskForm):
    """Birth year and month only: all the app needs to know a child's age."""

    birth_year = IntegerField(
        _l("Birth year"),
        validators=[InputRequired(_l("Enter the year of birth, for example 2014."))],
        description=_l("Only the year and month are kept, never the full date."),
    )
    birth_month = SelectField(
        _l("Birth month"),
        choices=_months,
        validators=[DataRequired(_l("Choose the month of birth."))],
    )

    def validate_birth_year(self, field: IntegerField) -> None:
        this_year = clock.now().year
        if field.data is None:
            return
        if field.data > this_year:
            raise ValidationError(_("The birth year can't be in the future."))
        if field.data < this_year - OLDEST_AGE:
            raise ValidationError(
                _(
                    "Enter a year from %(first)s to %(last)s.",
                    first=this_year - OLDEST_AGE,
                    last=this_year,
                )
            )

    def validate_birth_month(self, field: SelectField) -> None:
        now = clock.now()
        if self.birth_year.data == now.year and field.data and int(field.data) > now.month:
            raise ValidationError(_("That month hasn't happened yet this year."))


class ChildForm(ChildProfileForm, BirthDateForm):
    """A new child profile: how it looks, and the birth year and month of a child under 18
    (at 18 supervision ends, so a profile made older would start with nothing to supervise)."""

    def validate(self, extra_validators: ExtraValidators = None) -> bool:
        valid = super().validate(extra_validators)
        year, month = self.birth_year.data, self.birth_month.data
        if valid and year is not None and age_now(year, int(month)) >= ADULT:
            self.birth_year.errors = [
                *self.birth_year.errors,
                _(
                    "This app is for children under %(adult)s: at %(adult)s supervision ends.",
                    adult=ADULT,
                ),
            ]
            return False
        return valid


class BirthDateCorrectionForm(BirthDateForm):
    """Correcting a birth date changes the child's age, so it says why (the others read it)."""

    reason = StringField(
        _l("Why the correction?"),
        validators=[DataRequired(_l("Say why, for the other guardians.")), Length(max=200)],
        description=_l("The other guardians are told, with the old and the new date."),
        filters=[one_line],
    )


class FamilySettingsForm(WhereWeLiveForm):
    """Settings that shape the whole family's experience."""

    both_guardians_sign = BooleanField(
        _l("Both guardians must sign off before a track moves forward"),
    )
    permit_min_checkins = IntegerField(
        _l("Check-ins needed to leave the permit"),
        description=_l("At least 6; leave empty for 6."),
        validators=[Optional(), NumberRange(6, 52, _l("Choose 6 to 52 check-ins."))],
    )
    permit_min_weeks = IntegerField(
        _l("Weeks of check-ins needed to leave the permit"),
        description=_l("At least 8; leave empty for 8."),
        validators=[Optional(), NumberRange(8, 104, _l("Choose 8 to 104 weeks."))],
    )


class FamilyNameForm(FlaskForm):
    """The family's name, as every guardian sees it (and types it to delete the family)."""

    name = StringField(
        _l("Family name"),
        validators=[
            DataRequired(_l("Give your family a name, such as “The Okafors”.")),
            Length(max=100),
        ],
        filters=[one_line],
    )


class ConfirmNameForm(FlaskForm):
    """Typing a name proves a deletion is meant, and for whom."""

    name = StringField(
        _l("Type the name to confirm"),
        validators=[DataRequired(_l("Type the name."))],
        filters=[one_line],
    )


class ItemWordingForm(FlaskForm):
    """New words for one of the family's own checklist items."""

    label = StringField(
        _l("The item's wording"),
        validators=[DataRequired(_l("Write the item.")), Length(max=200)],
        filters=[one_line],
    )


class PromptWordingForm(FlaskForm):
    """New words for one of the family's own discussion prompts."""

    text = TextAreaField(
        _l("The prompt's wording"),
        validators=[DataRequired(_l("Write the question.")), Length(max=500)],
        filters=[strip],
    )


class RemovalForm(FlaskForm):
    """Removing something the family wrote: why, for the other guardians and the history."""

    reason = StringField(
        _l("Why remove it?"),
        validators=[DataRequired(_l("Say why, for the other guardians.")), Length(max=200)],
        filters=[one_line],
    )


class LeaveForm(FlaskForm):
    confirm = BooleanField(
        _l("I want to leave this family: I will no longer be able to sign in to it"),
        validators=[DataRequired(_l("Tick the box to confirm that you want to leave."))],
    )


class RemoveGuardianForm(FlaskForm):
    confirm = BooleanField(
        _l("Remove this guardian: they will no longer be able to sign in to this family"),
        validators=[DataRequired(_l("Tick the box to confirm the removal."))],
    )


class InviteForm(FlaskForm):
    """An invite for another guardian; given their address, the link is mailed there too."""

    email = EmailField(
        _l("Email of the guardian you invite (optional)"),
        validators=[
            Optional(),
            Length(max=254, message=_l("An email address is at most 254 characters.")),
            Email(_l("That doesn't look like an email address.")),
        ],
        filters=[strip],
        description=_l("Leave it empty to copy the link yourself; it is shown either way."),
        render_kw={"autocomplete": "off"},
    )
