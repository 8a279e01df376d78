"""Forms for the shared tablet."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from supervisor.web.forms.auth import PasswordLength
from supervisor.web.forms.fields import one_line


def pin_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired("Type the PIN."),
            Length(max=6, message="A PIN is 4 to 6 digits."),
        ],
        render_kw={
            "inputmode": "numeric",
            "autocomplete": "off",
            "pattern": "[0-9]*",
            "class": "pin-input",
        },
    )


class PinUnlockForm(FlaskForm):
    pin = pin_field("Your PIN")


class PasswordUnlockForm(FlaskForm):
    password = PasswordField(
        "Your password",
        validators=[InputRequired("Type your password."), PasswordLength(new=False)],
        render_kw={"autocomplete": "current-password"},
    )


class SetPinForm(FlaskForm):
    pin = pin_field("New PIN (4 to 6 digits)")
    confirm = PasswordField(
        "Type the PIN again",
        validators=[EqualTo("pin", "The two PINs are not the same.")],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class DeviceForm(FlaskForm):
    name = StringField(
        "Name for this tablet",
        validators=[
            DataRequired("Give the tablet a name, such as “Kitchen tablet”."),
            Length(max=60),
        ],
        filters=[one_line],
        default="Family tablet",
    )
