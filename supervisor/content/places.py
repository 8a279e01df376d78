"""Countries and their own time zones, read from the tz database the ``tzdata`` package ships.

``iso3166.tab`` names the countries and ``zone.tab`` gives each country its zones (one
country per row, ordered within a country with the most populous zones first), with a
comment that tells a country's zones apart ("Eastern (most areas)"). A guardian picks a
country, then one of its zones, instead of one of ~590 raw IANA names. Browsers may report an
older name of a zone (``Asia/Calcutta``), so the links in ``tzdata.zi`` are read as aliases.

These names are English. A page in another language names countries and zones from CLDR,
through Babel (``countries_in``, ``zones_in``, ``country_name``, ``zone_label`` with the
page's language): a country's own name in that language, sorted as that language reads, and
a zone by its city and, where a country has several, CLDR's name of its time.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources

from babel import Locale
from babel.dates import get_timezone_location, get_timezone_name

_TZDATA = resources.files("tzdata.zoneinfo")
# The tz database's names are short on purpose; these read as a family would say them.
_PLAIN_NAMES = {"GB": "United Kingdom"}


def _rows(name: str) -> list[list[str]]:
    text = _TZDATA.joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def _zone_label(zone: str, comment: str) -> str:
    """``London``, ``New York — Eastern (most areas)``: the zone's city, and what sets it apart."""
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    return f"{city} — {comment}" if comment else city


def _countries() -> dict[str, str]:
    names = {row[0]: _PLAIN_NAMES.get(row[0], row[1]) for row in _rows("iso3166.tab")}
    return dict(sorted(names.items(), key=lambda item: item[1]))


def _zones() -> dict[str, dict[str, str]]:
    zones: dict[str, dict[str, str]] = {}
    for row in _rows("zone.tab"):
        country, zone, comment = row[0], row[2], row[3] if len(row) > 3 else ""
        zones.setdefault(country, {})[zone] = _zone_label(zone, comment)
    return zones


def _aliases(listed: set[str]) -> dict[str, str]:
    """Other names of the ``listed`` zones (``Asia/Calcutta``) -> the listed name."""
    links: dict[str, str] = {}
    for line in _TZDATA.joinpath("tzdata.zi").read_text(encoding="utf-8").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    # A listed zone may itself be a link (Europe/Busingen): it stands for its target too.
    listed_for = {links.get(zone, zone): zone for zone in sorted(listed)}
    listed_for.update({zone: zone for zone in listed})
    return {
        alias: listed_for[target]
        for alias, target in links.items()
        if alias not in listed and target in listed_for
    }


# A country code -> {zone: label} in the tab's order; code -> name, sorted by name, for the
# countries that have a zone (not the uninhabited Bouvet or Heard Islands).
ZONES = _zones()
COUNTRIES = {code: name for code, name in _countries().items() if code in ZONES}
ALIASES = _aliases({zone for zones in ZONES.values() for zone in zones})


LABELS = {zone: label for zones in ZONES.values() for zone, label in zones.items()}
_COMMENTED = frozenset(row[2] for row in _rows("zone.tab") if len(row) > 3 and row[3])

Language = Locale | str | None  # a page's language; None (or English) is the tz database's


def _locale(language: Language) -> Locale | None:
    """The CLDR locale to name places in, or None for the English names above."""
    if language is None:
        return None
    locale = language if isinstance(language, Locale) else Locale.parse(language)
    return None if locale.language == "en" else locale


# Letters a language sorts as letters of their own, right after their base letter (Spanish
# "ñ" after "n", Esperanto "ĉ" after "c"); every other accent sorts with its base letter.
_OWN_LETTERS = {"es": "ñ", "eo": "ĉĝĥĵŝŭ"}
_AFTER = "\U0010ffff"  # after every letter: "ĉ" as "c" followed by it sorts after "cz"


def _collation_key(name: str, language: str) -> tuple[str, str]:
    """Names in the language's alphabetical order without a collation library: accents sort
    with their base letter (``Émirats`` among the E), except the language's own letters."""
    own = _OWN_LETTERS.get(language, "")
    key = []
    for char in unicodedata.normalize("NFC", name.casefold()):
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        key.append(base + _AFTER if char in own else base)
    return "".join(key), name


@cache
def _countries_in(locale: Locale) -> dict[str, str]:
    names = {code: locale.territories.get(code, name) for code, name in COUNTRIES.items()}
    return dict(sorted(names.items(), key=lambda item: _collation_key(item[1], locale.language)))


def countries_in(language: Language) -> dict[str, str]:
    """Code -> name of every country offered, in ``language``, sorted in its order."""
    locale = _locale(language)
    return COUNTRIES if locale is None else _countries_in(locale)


def country_name(code: str, language: Language = None) -> str | None:
    """The country's name in ``language`` (None for a code no country has)."""
    return countries_in(language).get(code)


@cache
def _label_in(zone: str, locale: Locale) -> str:
    city = str(get_timezone_location(zone, locale=locale, return_city=True))
    if zone not in _COMMENTED:
        return city
    time = str(get_timezone_name(zone, "long", zone_variant="generic", locale=locale))
    return f"{city} — {time}"


@cache
def _zones_in(locale: Locale) -> dict[str, dict[str, str]]:
    return {
        country: {zone: _label_in(zone, locale) for zone in zones}
        for country, zones in ZONES.items()
    }


def zones_in(language: Language) -> dict[str, dict[str, str]]:
    """``ZONES`` with each zone's label in ``language``."""
    locale = _locale(language)
    return ZONES if locale is None else _zones_in(locale)


def zones_of(country: str | None, language: Language = None) -> dict[str, str]:
    """The zones a family in ``country`` may choose from (none for an unknown country)."""
    return zones_in(language).get(country or "", {})


def zone_label(zone: str, language: Language = None) -> str:
    """A zone as a family reads it: ``New York — Eastern (most areas)``, else its own name."""
    locale = _locale(language)
    if locale is not None and zone in LABELS:
        return _label_in(zone, locale)
    return LABELS.get(zone) or zone.replace("_", " ")
