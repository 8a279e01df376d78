"""Forms for lessons and prompts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from supervisor.content.lessons import TOPICS
from supervisor.stages.base import StageKey
from supervisor.web.forms.fields import SelectChoice, strip


class DiscussedForm(FlaskForm):
    ticked = BooleanField()


class FamilyPromptForm(FlaskForm):
    text = TextAreaField(
        _l("Your prompt"),
        validators=[DataRequired(_l("Write the question.")), Length(max=500)],
        filters=[strip],
    )
    stage = SelectField(
        _l("For which stage"),
        choices=[SelectChoice(stage, stage.label) for stage in StageKey],
        coerce=StageKey,
    )
    topic = SelectField(_l("Topic"), choices=[SelectChoice(k, v) for k, v in TOPICS.items()])
