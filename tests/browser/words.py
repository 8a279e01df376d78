"""The words of the journey in the language it is walked in: the test names each control by
the app's own English message and reads it through the app's catalog, so the same steps walk
the app in English and in Spanish. A message the app does not have fails at once, so a test
can never look for words that only exist in the test."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask
from flask_babel import force_locale

from supervisor import local_time
from supervisor.content.lessons import Lesson, lessons_for

TAGS = re.compile(r"<[^>]+>")
TRANSLATIONS = Path(__file__).resolve().parents[2] / "supervisor" / "translations"


def extracted(template: Path) -> frozenset[str]:
    """Every message id (singular and plural) in a freshly extracted ``messages.pot``."""
    with template.open("rb") as pot:
        catalog = read_po(pot)
    ids: set[str] = set()
    for message in catalog:
        ids.update(message.id if isinstance(message.id, tuple) else (message.id,))
    return frozenset(ids - {""})


@dataclass
class Words:
    """``words("Add a child")`` is the page's words for that message in ``language``."""

    language: str
    known: frozenset[str] = field(repr=False)

    @cached_property
    def _catalog(self) -> NullTranslations:
        return Translations.load(str(TRANSLATIONS), [self.language])

    def __call__(self, message: str, **params: object) -> str:
        self._check(message)
        found = self._read(message)
        return found % params if params else found

    def plural(self, singular: str, plural: str, count: int, **params: object) -> str:
        self._check(singular)
        return self._catalog.ngettext(singular, plural, count) % {"num": count, **params}

    def pattern(self, message: str, **params: object) -> re.Pattern[str]:
        """The message in this language as a pattern: the placeholders given filled in, any
        other standing for whatever the page put there."""
        self._check(message)
        found = self._read(message)
        parts = re.split(r"%\(([a-z_]+)\)[sd]", found)
        pattern = "".join(
            re.escape(part)
            if i % 2 == 0
            else (re.escape(str(params[part])) if part in params else ".*?")
            for i, part in enumerate(parts)
        )
        return re.compile(pattern)

    def _read(self, message: str) -> str:
        """The message as a page reads it: its markup is not part of the text."""
        return TAGS.sub("", self._catalog.gettext(message))

    def _check(self, message: str) -> None:
        assert message in self.known, f"the app has no message {message!r}"

    @property
    def lessons(self) -> dict[str, Lesson]:
        return lessons_for(self.language)

    def when(self, app: Flask, moment: datetime, style: str, zone: str) -> str:
        """A time as the app's pages tell it in this language, in ``zone``."""
        with app.test_request_context(), force_locale(self.language):
            return local_time.when(moment, style, zone=zone)
