"""Content in other languages: a translated file holds only the words, laid over the English.

A translation of ``lessons/01-anything-posted.toml`` into Spanish is
``es/lessons/01-anything-posted.toml``, keyed exactly like the English file but holding only
its text fields. Everything else (keys, the number of steps and options, which option is
correct, dates, sources, addresses) comes from the English file, so a translation can never
change what a lesson teaches or which answer is right. A content file without a translation
is read in English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from supervisor.content import FOLDER, ContentError, Reader

ENGLISH = "en"
LANGUAGES = (ENGLISH, "es")
# The step fields a lesson fits to the reader's age: a translation has them exactly where the
# English does.
AGE_VERSIONS = frozenset({"text_9_12", "text_13_plus"})
# A name a page fills in ("{child}"): a translation keeps every one the English has.
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
# The content kept in Python rather than TOML: their translations are TOML files of these names.
FROM_CODE = ("licence_tips.toml", "monitoring.toml")


def translatable() -> list[str]:
    """Every content file a language may translate, as its path below the content folder."""
    return [
        *(f"lessons/{path.name}" for path in sorted((FOLDER / "lessons").glob("*.toml"))),
        "prompts.toml",
        "topics.toml",
        *FROM_CODE,
        *(f"walkthroughs/{path.name}" for path in sorted((FOLDER / "walkthroughs").glob("*.toml"))),
        "helplines.toml",
    ]


def language_of(language: str | None) -> str:
    """The language content is read in: English when none is given."""
    if language is None or language == ENGLISH:
        return ENGLISH
    if language not in LANGUAGES:
        raise ContentError(f"no content in language {language!r}; known: {LANGUAGES}")
    return language


def strays(language: str) -> list[str]:
    """Files in a language's folder that translate no English file (a misspelt name would
    otherwise be silently read in English)."""
    known = set(translatable())
    folder = FOLDER / language
    return sorted(
        name
        for path in folder.rglob("*.toml")
        if (name := path.relative_to(folder).as_posix()) not in known
    )


def _has_text(value: Any, texts: frozenset[str]) -> bool:
    """Whether a table or list holds any text field a translation must give."""
    if isinstance(value, dict):
        return any(
            (key in texts and isinstance(item, str | list)) or _has_text(item, texts)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return any(_has_text(item, texts) for item in value)
    return False


class _Overlay:
    """Walks an English table and its translation together, refusing any difference in shape."""

    def __init__(self, name: str, texts: frozenset[str]) -> None:
        self.name, self.texts = name, texts
        self.english_text = ""

    def fail(self, field: str, problem: str) -> ContentError:
        return ContentError(f"{self.name}: field {field!r} {problem}")

    def table(self, english: dict[str, Any], given: Any, where: str) -> dict[str, Any]:
        if not isinstance(given, dict):
            raise self.fail(where.rstrip(".") or "(file)", "must be a table, as in English")
        for key in sorted(set(given) - set(english)):
            extra = (
                "is an age version the English step does not have"
                if key in AGE_VERSIONS
                else "is not in the English file"
            )
            raise self.fail(where + key, extra)
        merged = dict(english)
        for key, value in english.items():
            field = where + key
            if key in self.texts and isinstance(value, str):
                self.english_text = value
                merged[key] = self.text(given, key, field)
            elif (
                key in self.texts
                and isinstance(value, list)
                and all(isinstance(item, str) for item in value)
            ):
                merged[key] = self.strings(value, given.get(key), field)
            elif _has_text(value, self.texts):
                if key not in given:
                    raise self.fail(field, "is missing: the English file has text there")
                merged[key] = self.value(value, given[key], field)
            elif key in given:
                raise self.fail(field, "is structural: it comes from the English file")
        return merged

    def value(self, english: Any, given: Any, field: str) -> Any:
        if isinstance(english, dict):
            return self.table(english, given, field + ".")
        if not isinstance(given, list) or len(given) != len(english):
            raise self.fail(field, f"needs {len(english)} entries, as in English")
        return [
            self.value(item, part, f"{field}[{i}]")
            for i, (item, part) in enumerate(zip(english, given, strict=True))
        ]

    def text(self, given: dict[str, Any], key: str, field: str) -> str:
        value = given.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "is missing or empty")
        wanted = sorted(PLACEHOLDER.findall(self.english_text))
        if sorted(PLACEHOLDER.findall(value)) != wanted:
            raise self.fail(field, f"must keep the English placeholders {wanted}")
        return value

    def strings(self, english: list[str], given: Any, field: str) -> list[str]:
        if not isinstance(given, list) or len(given) != len(english):
            raise self.fail(field, f"needs {len(english)} entries, as in English")
        if not all(isinstance(item, str) and item.strip() for item in given):
            raise self.fail(field, "has an empty entry")
        return list(given)


def overlay(
    name: str, english: dict[str, Any], translated: dict[str, Any], texts: Iterable[str]
) -> dict[str, Any]:
    """The English data with the translation's words in its ``texts`` fields; refuses a
    translation that misses a text, adds a field, gives an empty one, or sets a structural
    field (a key, a count, an answer, a date, a source)."""
    return _Overlay(name, frozenset(texts)).table(english, translated, "")


def translated(
    language: str, name: str, english: dict[str, Any], texts: Iterable[str]
) -> dict[str, Any]:
    """The content file ``name`` (its path below the content folder) in ``language``: the
    English data itself when the language is English or the file has no translation yet."""
    path = FOLDER / language / name
    if language == ENGLISH or not path.is_file():
        return english
    return overlay(f"{language}/{name}", english, Reader(path).data, texts)


def translated_reader(language: str, english: Reader, texts: Iterable[str]) -> Reader:
    """The reader for an English TOML file in ``language`` (see ``translated``); a file from
    outside the content folder has no translations."""
    if language == ENGLISH or not english.path.is_relative_to(FOLDER):
        return english
    name = english.path.relative_to(FOLDER).as_posix()
    data = translated(language, name, english.data, texts)
    return english if data is english.data else Reader(FOLDER / language / name, data)


def complete(language: str) -> dict[str, bool]:
    """For each translatable content file, whether ``language`` has its translation (one that
    loads has every text field, so a file that exists is complete)."""
    return {name: (FOLDER / language / name).is_file() for name in translatable()}


for _language in LANGUAGES[1:]:
    if _found := strays(_language):
        raise ContentError(f"{_language}/: {_found} translate no English content file")
