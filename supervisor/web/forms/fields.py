"""Small helpers for WTForms: input filters, dynamic choices and a checkbox group."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias, TypeVar

from wtforms import SelectMultipleField

# types-WTForms (3.2) predates SelectChoice (WTForms 3.3, which deprecates tuple choices);
# every form takes it from here, so the gap in the stubs is bridged once.
from wtforms.fields.choices import SelectChoice as SelectChoice  # type: ignore[attr-defined]
from wtforms.widgets import CheckboxInput, ListWidget

# What ``Form.validate`` takes besides the fields' own validators, for forms that extend it.
ExtraValidators: TypeAlias = Mapping[str, Sequence[Any]] | None
T = TypeVar("T")


def required(data: T | None) -> T:
    """A required field's data once its form has validated. A field's data is ``None`` until
    it has a value; the field's validators refuse a form without one, so ``None`` here is a
    view reading a field its form did not validate."""
    if data is None:
        raise ValueError("a required field read before its form validated")
    return data


def strip(value: str | None) -> str | None:
    """Leading and trailing spaces are never meant, except in passwords."""
    return value.strip() if isinstance(value, str) else value


def one_line(value: str | None) -> str | None:
    """A name or a title is one line: line breaks, tabs and runs of spaces become one space
    (a browser's text box sends none; a crafted form would break calendars and pages)."""
    return " ".join(value.split()) if isinstance(value, str) else value


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Dynamic select choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a group of checkboxes (``choice_group`` in the templates):
    a list box is hard to use with fingers and gets cut off on a narrow screen."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
