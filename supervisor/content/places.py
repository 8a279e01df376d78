"""Countries and their own time zones, read from the tz database the ``tzdata`` package ships.

``iso3166.tab`` names the countries and ``zone.tab`` gives each country its zones (one
country per row, ordered within a country with the most populous zones first), with a
comment that tells a country's zones apart ("Eastern (most areas)"). A guardian picks a
country, then one of its zones, instead of one of ~590 raw IANA names. Browsers may report an
older name of a zone (``Asia/Calcutta``), so the links in ``tzdata.zi`` are read as aliases.
"""

from __future__ import annotations

from importlib import resources

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


def zones_of(country: str | None) -> dict[str, str]:
    """The zones a family in ``country`` may choose from (none for an unknown country)."""
    return ZONES.get(country or "", {})


LABELS = {zone: label for zones in ZONES.values() for zone, label in zones.items()}


def zone_label(zone: str) -> str:
    """A zone as a family reads it: ``New York — Eastern (most areas)``, else its own name."""
    return LABELS.get(zone) or zone.replace("_", " ")
