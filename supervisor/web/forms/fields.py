"""Small helpers for WTForms: input filters, dynamic choices and a checkbox group."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


def strip(value: str | None) -> str | None:
    """Leading and trailing spaces are never meant, except in passwords."""
    return value.strip() if isinstance(value, str) else value


def one_line(value: str | None) -> str | None:
    """A name or a title is one line: line breaks, tabs and runs of spaces become one space
    (a browser's text box sends none; a crafted form would break calendars and pages)."""
    return " ".join(value.split()) if isinstance(value, str) else value


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Dynamic select choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a group of checkboxes (``choice_group`` in the templates):
    a list box is hard to use with fingers and gets cut off on a narrow screen."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
