"""Privacy-settings walkthroughs, one data file per platform, checked at start-up.

Every step records the page that says it and the day someone checked it there; menus move,
so a step checked more than ``STALE_AFTER`` ago tells the family it may have changed. A
translation (``es/walkthroughs/<platform>.toml``) gives only the words of the title and each
step; its dates, sources and the number of steps come from the English file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from supervisor import clock
from supervisor.content import FOLDER as CONTENT
from supervisor.content import ContentError, Reader
from supervisor.content.platforms import PLATFORMS
from supervisor.content.translations import ENGLISH, LANGUAGES, language_of, translated_reader

FOLDER = CONTENT / "walkthroughs"
STALE_AFTER = timedelta(days=90)
GENERAL = "general"
FILE_FIELDS = frozenset({"title", "steps"})
RETIRED = frozenset({"sources", "last_reviewed"})
# The fields a translation gives: the words a family reads (everything else comes from English).
TEXTS = frozenset({"title", "setting", "where", "recommended", "why", "source_note"})
# A menu name a translation keeps as the platform shows it in English, then says in its own
# words: ``"Settings and privacy" (Configuración y privacidad)``.
ENGLISH_LABEL = re.compile(r'"[^"]+" \([^)]+\)')


@dataclass(frozen=True)
class Step:
    TEXTS: ClassVar = ("setting", "where", "recommended", "why")
    FIELDS: ClassVar = frozenset({*TEXTS, "checked", "source", "official", "source_note"})

    setting: str
    where: str
    recommended: str
    why: str
    checked: date
    source: str
    official: bool  # False: a secondary source, used only where no official page says it
    source_note: str | None = None

    @property
    def site(self) -> str:
        """The source's site name, for the link's label."""
        host = urlsplit(self.source).hostname or ""
        return host.removeprefix("www.")

    def is_stale(self, now: datetime) -> bool:
        return now.date() - self.checked > STALE_AFTER


@dataclass(frozen=True)
class Walkthrough:
    key: str
    title: str
    steps: tuple[Step, ...]
    language: str = ENGLISH

    @property
    def quotes_english(self) -> bool:
        """Whether a translated walkthrough keeps some menu names as the platform shows them in
        English (the page then says so once)."""
        return self.language != ENGLISH and any(
            ENGLISH_LABEL.search(step.where) for step in self.steps
        )

    @property
    def checked(self) -> date:
        """The walkthrough is only as fresh as its oldest step."""
        return min(step.checked for step in self.steps)

    def stale_steps(self, now: datetime) -> frozenset[int]:
        """The indexes of the steps that may have changed since they were checked."""
        return frozenset(i for i, step in enumerate(self.steps) if step.is_stale(now))


def _source(reader: Reader, step: dict[str, Any], where: str) -> str:
    url = reader.text(step, "source", where)
    parts = urlsplit(url)
    page = parts.path.strip("/") or parts.query  # a page on the site, not just the site
    if parts.scheme != "https" or not parts.hostname or not page or " " in url:
        raise reader.fail(
            where + "source", "must be the full https:// address of the page that says it"
        )
    return url


def _step(reader: Reader, step: Any, i: int, today: date) -> Step:
    where = f"steps[{i}]."
    if not isinstance(step, dict):
        raise reader.fail(f"steps[{i}]", "must be a table of fields")
    unknown = sorted(set(step) - Step.FIELDS)
    if unknown:
        raise reader.fail(where + unknown[0], "is not a field a step has")
    checked = reader.day(step, "checked", where)
    if checked > today:
        raise reader.fail(where + "checked", f"is after today ({today.isoformat()})")
    official = step.get("official")
    if not isinstance(official, bool):
        raise reader.fail(where + "official", "must be true or false (false: a secondary source)")
    note = step.get("source_note")
    if note is not None and (not isinstance(note, str) or not note.strip()):
        raise reader.fail(where + "source_note", "must be a sentence, or left out")
    setting, where_to, recommended, why = (reader.text(step, f, where) for f in Step.TEXTS)
    return Step(
        setting,
        where_to,
        recommended,
        why,
        checked=checked,
        source=_source(reader, step, where),
        official=official,
        source_note=note.strip() if note else None,
    )


def load(path: Path, today: date | None = None, language: str = ENGLISH) -> Walkthrough:
    """One walkthrough file in ``language`` (its translation's words over the English file);
    every complaint names the file and the field."""
    today = today or clock.now().date()
    english = Reader(path)
    reader = translated_reader(language, english, TEXTS)
    if reader is english:  # not translated yet: read in English
        language = ENGLISH
    data = reader.data
    if path.stem != GENERAL and path.stem not in PLATFORMS:
        raise reader.fail("(file name)", f"{path.stem!r} is not a known platform")
    for field in sorted(set(data) - FILE_FIELDS):
        problem = (
            "is no longer used: each step has its own source and checked date"
            if field in RETIRED
            else "is not a field a walkthrough has"
        )
        raise reader.fail(field, problem)
    steps = tuple(
        _step(reader, step, i, today) for i, step in enumerate(reader.items(data, "steps", 3, 15))
    )
    return Walkthrough(path.stem, reader.text(data, "title"), steps, language)


def load_all(folder: Path = FOLDER, language: str = ENGLISH) -> dict[str, Walkthrough]:
    walkthroughs = {
        w.key: w for w in (load(path, language=language) for path in sorted(folder.glob("*.toml")))
    }
    if GENERAL not in walkthroughs:
        raise ContentError(f"{folder.name}: a general.toml walkthrough is required")
    return walkthroughs


# Every language is read at start-up, so a broken translation stops it like a broken file.
_WALKTHROUGHS = {language: load_all(language=language) for language in LANGUAGES}
WALKTHROUGHS = _WALKTHROUGHS[ENGLISH]


def walkthroughs_for(language: str | None) -> dict[str, Walkthrough]:
    """Every walkthrough in ``language`` (English for none), keyed by platform; one not yet
    translated is in English."""
    return _WALKTHROUGHS[language_of(language)]


def for_platform(platform: str, language: str | None = None) -> Walkthrough:
    """The platform's own walkthrough, or the general one for any other network, in
    ``language`` (English for none)."""
    walkthroughs = walkthroughs_for(language)
    return walkthroughs.get(platform) or walkthroughs[GENERAL]
