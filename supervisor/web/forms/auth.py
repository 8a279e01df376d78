"""Forms for guardian accounts. Passwords: ``PASSWORD_MIN_LENGTH`` to ``PASSWORD_MAX_LENGTH``
characters (10 to 128 unless configured), not a common one, no composition rules."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from supervisor.accounts import common_passwords
from supervisor.mail.topics import OPTIONAL
from supervisor.web.forms.fields import CheckboxesField, SelectChoice, one_line, strip
from supervisor.web.forms.where import WhereWeLiveForm


def not_common(_form: FlaskForm, field: Field) -> None:
    """Refuse a password that attackers try first, whatever its length."""
    if field.data and common_passwords.is_common(field.data):
        raise ValidationError(
            _("That password is on a list of commonly used passwords; choose another.")
        )


class PasswordLength:
    """``PASSWORD_MIN_LENGTH`` to ``PASSWORD_MAX_LENGTH`` characters, as the app is configured.

    Form classes are built at import, before there is an app, so the limits are read when a
    form is made (``field_flags``: the page's ``minlength`` and ``maxlength``) and when it is
    checked. A password being typed to sign in is held to the maximum only (``new=False``):
    one chosen before a longer minimum still signs in.
    """

    def __init__(self, *, new: bool = True) -> None:
        self.new = new

    def limits(self) -> tuple[int, int]:
        """The shortest (-1: none) and longest password accepted here."""
        config = current_app.config
        shortest = int(config["PASSWORD_MIN_LENGTH"]) if self.new else -1
        return shortest, int(config["PASSWORD_MAX_LENGTH"])

    @property
    def field_flags(self) -> dict[str, int]:
        shortest, longest = self.limits()
        return {"maxlength": longest, **({"minlength": shortest} if self.new else {})}

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        shortest, longest = self.limits()
        message = (
            _(
                "Use %(shortest)d to %(longest)d characters; a short sentence works well.",
                shortest=shortest,
                longest=longest,
            )
            if self.new
            else None
        )
        Length(min=shortest, max=longest, message=message)(form, field)


def new_password_field(label: str = _l("Password")) -> PasswordField:
    """A password chosen by a guardian: long enough and not a common one (NIST 800-63B)."""
    return PasswordField(
        label,
        validators=[InputRequired(_l("Choose a password.")), PasswordLength(), not_common],
        render_kw={"autocomplete": "new-password"},
    )


def repeat_password_field() -> PasswordField:
    return PasswordField(
        _l("Type the password again"),
        validators=[EqualTo("password", _l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )


def name_field() -> StringField:
    return StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Tell us your name.")), Length(max=100)],
        filters=[one_line],
        render_kw={"autocomplete": "name"},
    )


def email_field() -> EmailField:
    return EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254),
            Email(_l("That doesn't look like an email address.")),
        ],
        filters=[strip],
        render_kw={"autocomplete": "email"},
    )


class SignupForm(WhereWeLiveForm):
    """A new family: its first guardian, its name, and where it lives."""

    name = name_field()
    family_name = StringField(
        _l("Family name"),
        validators=[
            DataRequired(_l("Give your family a name, such as “The Okafors”.")),
            Length(max=100),
        ],
        filters=[one_line],
    )
    email = email_field()
    password = new_password_field()
    confirm = repeat_password_field()


class JoinFamilyForm(FlaskForm):
    name = name_field()
    email = email_field()
    password = new_password_field()
    confirm = repeat_password_field()


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password.")), PasswordLength(new=False)],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field(_l("New password"))
    confirm = repeat_password_field()


class MailChoicesForm(FlaskForm):
    """Which optional mails a guardian wants (security notices always come)."""

    topics = CheckboxesField(
        _l("Mail me when…"), choices=lambda: [SelectChoice(t.value, t.label) for t in OPTIONAL]
    )  # a function: the labels are read in the page's language when the form is shown


class DetailsForm(FlaskForm):
    """A guardian's own name and sign-in address."""

    name = name_field()
    email = email_field()


def normalise_email(email: str) -> str:
    """Emails are compared without surrounding spaces and case."""
    return email.strip().lower()


class ForgotPasswordForm(FlaskForm):
    """Ask for a link to set a new password."""

    email = email_field()


class ResetPasswordForm(FlaskForm):
    """A new password, chosen from a reset link."""

    password = new_password_field(_l("New password"))
    confirm = repeat_password_field()
