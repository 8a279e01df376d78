"""Small helpers for WTForms."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Dynamic select choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]
