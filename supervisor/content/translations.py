"""Content in other languages: a translated file holds only the words, laid over the English.

A translation of ``lessons/01-anything-posted.toml`` into Spanish is
``es/lessons/01-anything-posted.toml``, keyed exactly like the English file but holding only
its text fields. Everything else (keys, the number of steps and options, which option is
correct, dates, sources, addresses) comes from the English file, so a translation can never
change what a lesson teaches or which answer is right. A content file without a translation
is read in English.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from supervisor.content import FOLDER, ContentError, Reader

ENGLISH = "en"
LANGUAGES = (ENGLISH, "es")
# The step fields a lesson fits to the reader's age: a translation has them exactly where the
# English does.
AGE_VERSIONS = frozenset({"text_9_12", "text_13_plus"})


def language_of(language: str | None) -> str:
    """The language content is read in: English when none is given."""
    if language is None or language == ENGLISH:
        return ENGLISH
    if language not in LANGUAGES:
        raise ContentError(f"no content in language {language!r}; known: {LANGUAGES}")
    return language


def translation_path(language: str, english: Path) -> Path:
    """Where the translation of an English content file lives (it may not exist yet)."""
    return FOLDER / language / english.relative_to(FOLDER)


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
                merged[key] = self.text(given, key, field)
            elif key in self.texts and isinstance(value, list) and all(
                isinstance(item, str) for item in value
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
        return [self.value(item, part, f"{field}[{i}]") for i, (item, part) in
                enumerate(zip(english, given, strict=True))]

    def text(self, given: dict[str, Any], key: str, field: str) -> str:
        value = given.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "is missing or empty")
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


def translated_reader(language: str, english: Reader, texts: Iterable[str]) -> Reader:
    """The reader for an English file in ``language``: the English itself when the language is
    English or the file has no translation yet."""
    path = translation_path(language, english.path) if language != ENGLISH else None
    if path is None or not path.is_file():
        return english
    given = Reader(path)
    name = str(path.relative_to(FOLDER))
    return Reader(path, overlay(name, english.data, given.data, texts))


def complete(language: str, english_files: Iterable[Path]) -> dict[str, bool]:
    """For each English content file, whether ``language`` has its translation (a translation
    that loads has every text field, so a file that exists is complete)."""
    return {
        str(path.relative_to(FOLDER)): translation_path(language, path).is_file()
        for path in english_files
    }
