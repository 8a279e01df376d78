"""Small helpers for WTForms."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Dynamic select choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a group of checkboxes (``choice_group`` in the templates):
    a list box is hard to use with fingers and gets cut off on a narrow screen."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
