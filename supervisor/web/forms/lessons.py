"""Forms for lessons and prompts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from supervisor.content.lessons import topics_for
from supervisor.stages.base import StageKey
from supervisor.web.forms.fields import SelectChoice, strip
from supervisor.web.language import content_language


class DiscussedForm(FlaskForm):
    ticked = BooleanField()


def _topics() -> list[SelectChoice]:
    """The topics' choices, named in the page's language when the form is shown."""
    return [SelectChoice(key, words) for key, words in topics_for(content_language()).items()]


class FamilyPromptForm(FlaskForm):
    text = TextAreaField(
        _l("Your prompt"),
        validators=[DataRequired(_l("Write the question.")), Length(max=500)],
        filters=[strip],
    )
    stage = SelectField(
        _l("For which stage"),
        choices=[SelectChoice(stage, _l(stage.label)) for stage in StageKey],
        coerce=StageKey,
    )
    topic = SelectField(_l("Topic"), choices=_topics)
