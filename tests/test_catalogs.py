"""Every language the app ships is whole: each message the code marks is in its catalog,
translated, not fuzzy, with the same placeholders, and the compiled catalog the app reads is
the one its ``.po`` file says. A message added to the code without its translation fails
here, so nothing is left in English by accident."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from config import Config
from tests.pseudo_locale import build_catalog

FOLDER = Path(__file__).resolve().parents[1] / "supervisor" / "translations"
LANGUAGES = [code for code in Config.LANGUAGES if code != "en"]


def catalog(language: str) -> Catalog:
    with (FOLDER / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[object]:
    """Every message the code marks today, extracted as ``make translations`` does."""
    folder = build_catalog(tmp_path_factory.mktemp("extracted"))
    with (folder / "messages.pot").open("rb") as pot:
        return {message.id for message in read_po(pot) if message.id}


def test_a_language_beyond_english_is_offered():
    assert LANGUAGES, "config.LANGUAGES offers only English"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_message_is_in_the_catalog(language: str, extracted: set[object]):
    have = {message.id for message in catalog(language) if message.id}
    assert sorted(map(str, extracted - have)) == [], "run `make translations`, then translate"
    assert sorted(map(str, have - extracted)) == [], "messages the code no longer has"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language: str):
    messages = [m for m in catalog(language) if m.id]
    untranslated = [
        m.id for m in messages if not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language: str):
    """Babel's own checks: the same ``%(name)s`` placeholders, the right number of plurals."""
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog(language).check()]
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_is_the_translated_one(language: str):
    with (FOLDER / language / "LC_MESSAGES" / "messages.mo").open("rb") as mo:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(mo) if m.id}
    written = {_key(m.id): _key(m.string) for m in catalog(language) if m.id}
    assert compiled == written, "run `make translations` to compile the catalog"


def _key(text: object) -> object:
    """A plural's forms as a tuple, however the reader gave them."""
    return tuple(text) if isinstance(text, list | tuple) else text
