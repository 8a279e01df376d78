"""Forms for the shared tablet."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from supervisor.web.forms.auth import PasswordLength
from supervisor.web.forms.fields import one_line


def pin_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(_l("Type the PIN.")),
            Length(max=6, message=_l("A PIN is 4 to 6 digits.")),
        ],
        render_kw={
            "inputmode": "numeric",
            "autocomplete": "off",
            "pattern": "[0-9]*",
            "class": "pin-input",
        },
    )


class PinUnlockForm(FlaskForm):
    pin = pin_field(_l("Your PIN"))


class PasswordUnlockForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(_l("Type your password.")), PasswordLength(new=False)],
        render_kw={"autocomplete": "current-password"},
    )


class SetPinForm(FlaskForm):
    pin = pin_field(_l("New PIN (4 to 6 digits)"))
    confirm = PasswordField(
        _l("Type the PIN again"),
        validators=[EqualTo("pin", _l("The two PINs are not the same."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class DeviceForm(FlaskForm):
    name = StringField(
        _l("Name for this tablet"),
        validators=[
            DataRequired(_l("Give the tablet a name, such as “Kitchen tablet”.")),
            Length(max=60),
        ],
        filters=[one_line],
        default=lambda: _("Family tablet"),
    )
