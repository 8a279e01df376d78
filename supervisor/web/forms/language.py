"""The language a person reads the app in: a guardian's own on the account page, a child's on
the child's profile. The field exists only while there is more than one language to choose."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import SelectField

from supervisor.web import language
from supervisor.web.forms.family import ChildProfileForm


def offer_languages(form: LanguageForm | ChildEditForm, description: str) -> None:
    """Fill the choices from ``LANGUAGES``, or drop the field when only one is offered. The
    words are the page's language, so they are set here, in the request."""
    if not language.several():
        del form.language
        return
    form.language.choices = language.choices()
    form.language.label.text = _("Language")
    form.language.description = description


def chosen(form: LanguageForm | ChildEditForm, before: str | None) -> str | None:
    """The language the form chose (empty: the browser's), or ``before`` without the field."""
    if "language" not in form:
        return before
    return form.language.data or None


class LanguageForm(FlaskForm):
    """A guardian's own language, whatever the rest of the family reads."""

    language = SelectField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_languages(self, _("Only your pages: everyone else in the family keeps theirs."))


class ChildEditForm(ChildProfileForm):
    """An existing child's profile: how it looks, and the language of the child's own pages."""

    language = SelectField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_languages(self, _("The child's pages speak it, whatever the guardians read."))
        if "language" in self and self.is_submitted() and "language" not in request.form:
            del self.language  # a page from before the field was offered: keep the language
