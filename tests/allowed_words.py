"""What a page in the pseudo-language may show outside ``⟦…⟧``: the app's name, names the
family typed, Babel's own words (months, days, countries) and WTForms' own messages, content
(which has translated files of its own, and none for the pseudo-language, so it shows in
English).

``Allowance.unmarked`` is what is left: words no catalog holds and nothing allows.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import wtforms
from babel import Locale
from babel.dates import get_day_names, get_month_names
from babel.messages.pofile import read_po

from supervisor.content import places
from supervisor.content.helplines import HELPLINES
from supervisor.content.lessons import LESSONS, PROMPTS, TOPICS
from supervisor.content.licence_tips import CONNECTIONS, SELF_MONITORING_TIPS
from supervisor.content.monitoring import ARRANGEMENTS, HOVERING
from supervisor.content.platforms import PLATFORMS
from supervisor.content.walkthroughs import WALKTHROUGHS
from tests.pseudo_locale import EDGES, PSEUDO, WORDLESS, unwrapped_text

APP_NAME = "Supervisor"


def _strings(value: Any) -> Iterator[str]:
    """Every string held in ``value``: a dataclass's fields, a mapping's values, a sequence's
    items, all the way down."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _strings(getattr(value, item.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple | frozenset | set):
        for item in value:
            yield from _strings(item)


# Content as loaded in English: lessons, prompts, topics, helplines, licence tips, monitoring
# arrangements, walkthrough steps, platforms. A placeholder (``{child}``) is filled in on the
# page, so each text is cut there.
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
CONTENT = tuple(
    fragment
    for text in _strings(
        (
            LESSONS,
            PROMPTS,
            TOPICS,
            HELPLINES,
            SELF_MONITORING_TIPS,
            CONNECTIONS,
            ARRANGEMENTS,
            HOVERING,
            WALKTHROUGHS,
            PLATFORMS,
        )
    )
    for part in PLACEHOLDER.split(text)
    if (fragment := " ".join(part.split()))
)


def _babel_words(language: str) -> frozenset[str]:
    """Babel's (CLDR's) own words in ``language``: months, days, countries, time zones,
    languages."""
    words: set[str] = set()
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            words.update(get_month_names(width, context=context, locale=language).values())
            words.update(get_day_names(width, context=context, locale=language).values())
    words.update(Locale.parse(language).territories.values())
    # The time zones, by CLDR's names of their cities and times, as the zone menus show them.
    words.update(
        EDGES.sub("", name)
        for zones in places.zones_in(language).values()
        for name in zones.values()
    )
    # The languages on offer, each in its own words, as the language menu names them.
    for code in ("en", language):
        name = Locale.parse(code).get_display_name(code) or code
        words.add(name[:1].upper() + name[1:])
    return frozenset(words)


BABEL_WORDS = _babel_words(PSEUDO)


def _wtforms_words() -> frozenset[str]:
    """WTForms' own messages (``Not a valid choice.``): WTForms translates them with catalogs
    of its own, which have no pseudo-language; each is cut at its placeholders."""
    with (Path(wtforms.__file__).parent / "locale" / "wtforms.pot").open("rb") as pot:
        catalog = read_po(pot)
    ids = (i for m in catalog if m.id for i in (m.id if isinstance(m.id, tuple) else (m.id,)))
    return frozenset(
        fragment for message in ids for part in re.split(r"%\(\w+\)[sd]|%s", message)
        if not WORDLESS.fullmatch(fragment := part.strip())
    )  # fmt: skip


WTFORMS_WORDS = _wtforms_words()


URL = re.compile(r"\bhttps?://\S+")


@dataclasses.dataclass(frozen=True)
class Allowance:
    """What may stand outside the marks: whole ``words`` (names, Babel's, the stages'...),
    anywhere in a piece, and any piece that is part of a content string."""

    words: frozenset[str]

    def __post_init__(self) -> None:
        # As ``unwrapped_text`` gives a piece: one line, no punctuation at either end.
        words = {EDGES.sub("", " ".join(word.split())) for word in self.words}
        ordered = sorted((w for w in words if w), key=len, reverse=True)
        pattern = r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)"
        object.__setattr__(self, "_pattern", re.compile(pattern))

    def accepts(self, piece: str) -> bool:
        if _in_content(piece):
            return True
        rest = " ".join(self._pattern.sub(" ", URL.sub(" ", piece)).split())
        return bool(WORDLESS.fullmatch(rest)) or _in_content(EDGES.sub("", rest))

    def unmarked(self, html: str) -> list[str]:
        """The pieces of ``html`` no mark holds and nothing here allows."""
        return [piece for piece in unwrapped_text(html) if not self.accepts(piece)]


def _in_content(piece: str) -> bool:
    """Whether ``piece`` is a content string, or a part of one that starts and ends at word
    boundaries (markup inside content, or a filled-in placeholder, cuts a text in pieces)."""
    if not piece:
        return False
    found = re.compile(r"(?<!\w)" + re.escape(piece) + r"(?!\w)")
    return any(piece in text and found.search(text) for text in CONTENT)
