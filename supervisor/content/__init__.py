"""Content as data: lessons, prompts, topics, platforms and walkthroughs, read from TOML files.

Every file is read by one ``Reader``, and every problem is one ``ContentError`` naming the
file and the field, so a broken file stops start-up (and the tests) with a message a content
editor can act on. Each module here loads its files once, when it is first imported; nothing
in this package touches the database or the request.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parent


class ContentError(Exception):
    """A content file is broken; the message names the file and the field."""


class Reader:
    """The fields of one TOML file; every complaint names the file and the field."""

    def __init__(self, path: Path, data: dict[str, Any] | None = None) -> None:
        self.path = path
        self.name = path.name
        self.data: dict[str, Any]
        if data is not None:  # already read and checked, as a translation laid over English
            self.data = data
            self.name = path.relative_to(FOLDER).as_posix()  # "es/lessons/...": which language
            return
        try:
            self.data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise ContentError(f"{path.name}: not valid TOML ({error})") from error

    def fail(self, field: str, problem: str) -> ContentError:
        return ContentError(f"{self.name}: field {field!r} {problem}")

    def text(self, table: dict[str, Any], field: str, where: str = "") -> str:
        value = table.get(field)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where + field, "is missing or empty")
        return value.strip()

    def items(self, table: dict[str, Any], field: str, low: int, high: int) -> list[Any]:
        value = table.get(field)
        if not isinstance(value, list) or not low <= len(value) <= high:
            raise self.fail(field, f"needs {low} to {high} entries")
        return value

    def day(self, table: dict[str, Any], field: str, where: str = "") -> date:
        value = table.get(field)
        if not isinstance(value, date) or isinstance(value, datetime):
            raise self.fail(where + field, "must be a date like 2026-06-30")
        return value
