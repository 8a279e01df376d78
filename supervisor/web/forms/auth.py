"""Forms for guardian accounts. Passwords: 10 to 128 characters, not a common one, no
composition rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from config import Config
from supervisor.accounts import common_passwords
from supervisor.web.forms.fields import one_line, strip
from supervisor.web.forms.where import WhereWeLiveForm


def not_common(_form: FlaskForm, field: Field) -> None:
    """Refuse a password that attackers try first, whatever its length."""
    if field.data and common_passwords.is_common(field.data):
        raise ValidationError(
            "That password is on a list of commonly used passwords; choose another."
        )


def new_password_field(label: str = "Password") -> PasswordField:
    """A password chosen by a guardian: long enough and not a common one (NIST 800-63B)."""
    return PasswordField(
        label,
        validators=[
            InputRequired("Choose a password."),
            Length(
                min=Config.PASSWORD_MIN_LENGTH,
                max=Config.PASSWORD_MAX_LENGTH,
                message=(
                    f"Use {Config.PASSWORD_MIN_LENGTH} to {Config.PASSWORD_MAX_LENGTH}"
                    " characters; a short sentence works well."
                ),
            ),
            not_common,
        ],
        render_kw={"autocomplete": "new-password"},
    )


def repeat_password_field() -> PasswordField:
    return PasswordField(
        "Type the password again",
        validators=[EqualTo("password", "The two passwords are not the same.")],
        render_kw={"autocomplete": "new-password"},
    )


def name_field() -> StringField:
    return StringField(
        "Your name",
        validators=[DataRequired("Tell us your name."), Length(max=100)],
        filters=[one_line],
        render_kw={"autocomplete": "name"},
    )


def email_field() -> EmailField:
    return EmailField(
        "Email",
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254),
            Email("That doesn't look like an email address."),
        ],
        filters=[strip],
        render_kw={"autocomplete": "email"},
    )


class SignupForm(WhereWeLiveForm):
    """A new family: its first guardian, its name, and where it lives."""

    name = name_field()
    family_name = StringField(
        "Family name",
        validators=[
            DataRequired("Give your family a name, such as “The Okafors”."),
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
        "Password",
        validators=[InputRequired("Enter your password."), Length(max=Config.PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field("New password")
    confirm = repeat_password_field()


class DetailsForm(FlaskForm):
    """A guardian's own name and sign-in address."""

    name = name_field()
    email = email_field()


def normalise_email(email: str) -> str:
    """Emails are compared without surrounding spaces and case."""
    return email.strip().lower()
