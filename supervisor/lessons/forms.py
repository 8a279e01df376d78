"""Forms for lessons and prompts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from supervisor.auth.forms import strip
from supervisor.lessons.content import STAGE_TAGS, TOPICS
from supervisor.stages.base import StageKey
from supervisor.wtf import SelectChoice


class DiscussedForm(FlaskForm):
    ticked = BooleanField()


class FamilyPromptForm(FlaskForm):
    text = TextAreaField(
        "Your prompt",
        validators=[DataRequired("Write the question."), Length(max=500)],
        filters=[strip],
    )
    stage = SelectField(
        "For which stage", choices=[SelectChoice(s, StageKey(s).label) for s in STAGE_TAGS]
    )
    topic = SelectField("Topic", choices=[SelectChoice(k, v) for k, v in TOPICS.items()])
