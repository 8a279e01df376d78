"""Forms for the family area."""

from __future__ import annotations

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
from supervisor.local_time import MONTHS
from supervisor.stages.ages import ADULT, age_now
from supervisor.web.forms.fields import ExtraValidators, SelectChoice, one_line, strip
from supervisor.web.forms.where import WhereWeLiveForm

# A child's avatar: the key the child table stores (a picture in static/icons/fluent/) and its name.
AVATARS = {
    "fox": "Fox",
    "panda": "Panda",
    "octopus": "Octopus",
    "owl": "Owl",
    "turtle": "Turtle",
    "unicorn": "Unicorn",
    "bee": "Bee",
    "dolphin": "Dolphin",
    "rocket": "Rocket",
    "football": "Football",
    "guitar": "Guitar",
    "sunflower": "Sunflower",
}
COLOURS = {
    "sky": "Sky blue",
    "leaf": "Leaf green",
    "sun": "Sunflower",
    "coral": "Coral",
    "plum": "Plum",
    "slate": "Slate",
}
OLDEST_AGE = 19


class ChildProfileForm(FlaskForm):
    """What a child's profile looks like: a name to show, an avatar and a colour."""

    display_name = StringField(
        "Name to show",
        validators=[DataRequired("Give the profile a name."), Length(max=40)],
        description="A first name or nickname is enough.",
        filters=[one_line],
    )
    avatar = RadioField(
        "Avatar",
        choices=[SelectChoice(key, label) for key, label in AVATARS.items()],
        validators=[
            InputRequired("Pick an avatar."),
            AnyOf(list(AVATARS), "Pick one of the avatars shown."),
        ],
        validate_choice=False,  # AnyOf says it in the family's words
    )
    colour = RadioField(
        "Colour",
        choices=[SelectChoice(key, label) for key, label in COLOURS.items()],
        validators=[InputRequired("Pick a colour.")],
    )


class BirthDateForm(FlaskForm):
    """Birth year and month only: all the app needs to know a child's age."""

    birth_year = IntegerField(
        "Birth year",
        validators=[InputRequired("Enter the year of birth, for example 2014.")],
        description="Only the year and month are kept, never the full date.",
    )
    birth_month = SelectField(
        "Birth month",
        choices=[SelectChoice("", "Choose a month")]
        + [SelectChoice(str(i), m) for i, m in enumerate(MONTHS, 1)],
        validators=[DataRequired("Choose the month of birth.")],
    )

    def validate_birth_year(self, field: IntegerField) -> None:
        this_year = clock.now().year
        if field.data is None:
            return
        if field.data > this_year:
            raise ValidationError("The birth year can't be in the future.")
        if field.data < this_year - OLDEST_AGE:
            raise ValidationError(f"Enter a year from {this_year - OLDEST_AGE} to {this_year}.")

    def validate_birth_month(self, field: SelectField) -> None:
        now = clock.now()
        if self.birth_year.data == now.year and field.data and int(field.data) > now.month:
            raise ValidationError("That month hasn't happened yet this year.")


class ChildForm(ChildProfileForm, BirthDateForm):
    """A new child profile: how it looks, and the birth year and month of a child under 18
    (at 18 supervision ends, so a profile made older would start with nothing to supervise)."""

    def validate(self, extra_validators: ExtraValidators = None) -> bool:
        valid = super().validate(extra_validators)
        year, month = self.birth_year.data, self.birth_month.data
        if valid and year is not None and age_now(year, int(month)) >= ADULT:
            self.birth_year.errors = [
                *self.birth_year.errors,
                f"This app is for children under {ADULT}: at {ADULT} supervision ends.",
            ]
            return False
        return valid


class BirthDateCorrectionForm(BirthDateForm):
    """Correcting a birth date changes the child's age, so it says why (the others read it)."""

    reason = StringField(
        "Why the correction?",
        validators=[DataRequired("Say why, for the other guardians."), Length(max=200)],
        description="The other guardians are told, with the old and the new date.",
        filters=[one_line],
    )


class FamilySettingsForm(WhereWeLiveForm):
    """Settings that shape the whole family's experience."""

    both_guardians_sign = BooleanField(
        "Both guardians must sign off before a track moves forward",
    )
    permit_min_checkins = IntegerField(
        "Check-ins needed to leave the permit",
        description="At least 6; leave empty for 6.",
        validators=[Optional(), NumberRange(6, 52, "Choose 6 to 52 check-ins.")],
    )
    permit_min_weeks = IntegerField(
        "Weeks of check-ins needed to leave the permit",
        description="At least 8; leave empty for 8.",
        validators=[Optional(), NumberRange(8, 104, "Choose 8 to 104 weeks.")],
    )


class FamilyNameForm(FlaskForm):
    """The family's name, as every guardian sees it (and types it to delete the family)."""

    name = StringField(
        "Family name",
        validators=[
            DataRequired("Give your family a name, such as “The Okafors”."),
            Length(max=100),
        ],
        filters=[one_line],
    )


class ConfirmNameForm(FlaskForm):
    """Typing a name proves a deletion is meant, and for whom."""

    name = StringField(
        "Type the name to confirm", validators=[DataRequired("Type the name.")], filters=[one_line]
    )


class ItemWordingForm(FlaskForm):
    """New words for one of the family's own checklist items."""

    label = StringField(
        "The item's wording",
        validators=[DataRequired("Write the item."), Length(max=200)],
        filters=[one_line],
    )


class PromptWordingForm(FlaskForm):
    """New words for one of the family's own discussion prompts."""

    text = TextAreaField(
        "The prompt's wording",
        validators=[DataRequired("Write the question."), Length(max=500)],
        filters=[strip],
    )


class RemovalForm(FlaskForm):
    """Removing something the family wrote: why, for the other guardians and the history."""

    reason = StringField(
        "Why remove it?",
        validators=[DataRequired("Say why, for the other guardians."), Length(max=200)],
        filters=[one_line],
    )


class LeaveForm(FlaskForm):
    confirm = BooleanField(
        "I want to leave this family: I will no longer be able to sign in to it",
        validators=[DataRequired("Tick the box to confirm that you want to leave.")],
    )


class RemoveGuardianForm(FlaskForm):
    confirm = BooleanField(
        "Remove this guardian: they will no longer be able to sign in to this family",
        validators=[DataRequired("Tick the box to confirm the removal.")],
    )


class InviteForm(FlaskForm):
    """An invite for another guardian; given their address, the link is mailed there too."""

    email = EmailField(
        "Email of the guardian you invite (optional)",
        validators=[
            Optional(),
            Length(max=254, message="An email address is at most 254 characters."),
            Email("That doesn't look like an email address."),
        ],
        filters=[strip],
        description="Leave it empty to copy the link yourself; it is shown either way.",
        render_kw={"autocomplete": "off"},
    )
