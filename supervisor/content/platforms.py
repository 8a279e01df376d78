"""The social networks a track can be for, loaded and checked from ``content/platforms.toml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from supervisor.content import FOLDER, ContentError, Reader
from supervisor.content.places import COUNTRIES

PLATFORMS_FILE = FOLDER / "platforms.toml"


@dataclass(frozen=True)
class Source:
    """Where a fact about a platform was read, when, and whether the page was the platform's own."""

    covers: tuple[str, ...]  # "min_age" and/or country codes
    url: str
    checked: date
    official: bool
    note: str | None = None


@dataclass(frozen=True)
class YoungerPath:
    """A way in the platform itself offers children below its minimum age."""

    name: str
    means: str
    url: str
    checked: date
    official: bool
    only_in: tuple[str, ...] = ()
    not_in: tuple[str, ...] = ()

    def offered_in(self, country: str) -> bool:
        return country not in self.not_in and (not self.only_in or country in self.only_in)


@dataclass(frozen=True)
class CountryNote:
    """What differs for this platform in some countries (a law, or the platform's own rule),
    shown only to families in those countries."""

    countries: tuple[str, ...]
    text: str
    url: str
    checked: date
    official: bool
    note: str | None = None


@dataclass(frozen=True)
class Platform:
    key: str
    name: str
    min_age: int
    min_age_by_country: dict[str, int] = field(default_factory=dict)
    note: str | None = None
    source: tuple[Source, ...] = ()
    younger: tuple[YoungerPath, ...] = ()
    country_note: tuple[CountryNote, ...] = ()

    def minimum_age(self, country: str) -> int:
        return self.min_age_by_country.get(country, self.min_age)

    def younger_paths(self, country: str) -> list[YoungerPath]:
        return [path for path in self.younger if path.offered_in(country)]

    def notes_for(self, country: str) -> list[CountryNote]:
        return [note for note in self.country_note if country in note.countries]


def _platform(entry: dict[str, Any]) -> Platform:
    """A platform from its TOML table, its sources, younger paths and country notes as frozen
    records."""
    sources = tuple(
        Source(**{**s, "covers": tuple(s.get("covers", ()))}) for s in entry.pop("source", [])
    )
    younger = tuple(
        YoungerPath(
            **{**y, "only_in": tuple(y.get("only_in", ())), "not_in": tuple(y.get("not_in", ()))}
        )
        for y in entry.pop("younger", [])
    )
    notes = tuple(
        CountryNote(**{**n, "countries": tuple(n.get("countries", ()))})
        for n in entry.pop("country_note", [])
    )
    return Platform(**entry, source=sources, younger=younger, country_note=notes)


def _check_facts(platform: Platform) -> str | None:
    """What is wrong with a platform's facts: an age without a source, a bad date, address or
    country, a country note without countries or words."""
    covered = {fact for source in platform.source for fact in source.covers}
    needed = set(platform.min_age_by_country) | ({"min_age"} if platform.min_age else set())
    if missing := needed - covered:
        return f"no [[platform.source]] covers {sorted(missing)}"
    dated: list[Source | YoungerPath | CountryNote] = [
        *platform.source,
        *platform.younger,
        *platform.country_note,
    ]
    if any(not isinstance(fact.checked, date) for fact in dated):
        return "every source needs `checked` as a date (YYYY-MM-DD)"
    if any(not str(fact.url).startswith("https://") for fact in dated):
        return "every source needs its full `url`, starting https://"
    if any(not isinstance(fact.official, bool) for fact in dated):
        return "every source needs `official = true` or `official = false`"
    if any(not n.countries or not str(n.text).strip() for n in platform.country_note):
        return "every [[platform.country_note]] needs `countries` and `text`"
    countries = set(platform.min_age_by_country).union(
        *(set(p.only_in) | set(p.not_in) for p in platform.younger),
        *(set(n.countries) for n in platform.country_note),
    )
    if unknown := countries - set(COUNTRIES):
        return f"unknown country {sorted(unknown)}"
    return None


def load(path: Path = PLATFORMS_FILE) -> dict[str, Platform]:
    """Read and check the platforms file; any problem names the file and the entry."""
    entries = Reader(path).data.get("platform")
    if not isinstance(entries, list):
        raise ContentError(f"{path.name}: no [[platform]] list")
    platforms: dict[str, Platform] = {}
    for number, entry in enumerate(entries, 1):
        where = f"{path.name}: platform #{number}"
        try:
            platform = _platform(dict(entry))
        except TypeError as error:
            raise ContentError(f"{where}: {error}") from error
        if not platform.key or platform.key in platforms:
            raise ContentError(f"{where}: key {platform.key!r} is missing or repeated")
        if problem := _check_facts(platform):
            raise ContentError(f"{where} ({platform.key}): {problem}")
        platforms[platform.key] = platform
    if "other" not in platforms:
        raise ContentError(f"{path.name}: an 'other' platform is required")
    return platforms


PLATFORMS = load()
