"""Helplines and reporting services per country, loaded and checked from ``helplines.toml``.

Each service carries the page its facts were read on and the day they were checked, so both
"Who can help" pages can show where a number comes from. A country without a list gets the
international fallback, which the pages introduce as exactly that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from supervisor.content import FOLDER, ContentError, Reader
from supervisor.content.places import COUNTRIES
from supervisor.content.translations import ENGLISH, LANGUAGES, language_of, translated_reader

HELPLINES_FILE = FOLDER / "helplines.toml"
KINDS = ("talk", "report")
_SERVICE_FIELDS = {
    "name", "kind", "for_child", "for_parent", "phone", "text", "also", "hours",
    "url", "checked", "official", "note",
}  # fmt: skip
_FALLBACK_FIELDS = {"name", "for_child", "for_parent", "site", "url", "checked", "official", "note"}
_DIALABLE = set("0123456789+- ")
# The words a translation gives; names, numbers, sources and dates stay as in English.
TEXTS = frozenset({"for_child", "for_parent", "text", "also", "hours", "note"})


@dataclass(frozen=True)
class Service:
    """One helpline or reporting service, with the page its facts come from."""

    name: str
    kind: str  # "talk" or "report"
    for_parent: str
    url: str
    checked: date
    official: bool
    for_child: str | None = None  # none: the service is for the guardians' page only
    phone: str | None = None
    text: str | None = None
    also: str | None = None
    hours: str | None = None
    note: str | None = None

    @property
    def tel(self) -> str | None:
        """The number as a ``tel:`` link dials it: digits only (and a leading +)."""
        if self.phone is None:
            return None
        digits = "".join(filter(str.isdigit, self.phone))
        return "+" + digits if self.phone.startswith("+") else digits


@dataclass(frozen=True)
class Fallback:
    """Where to look when the app has no list for a family's country."""

    name: str
    for_child: str
    for_parent: str
    site: str  # where to go: may be a site's front page
    url: str  # the source that says so
    checked: date
    official: bool
    note: str | None = None


@dataclass(frozen=True)
class Helplines:
    by_country: dict[str, tuple[Service, ...]]
    fallback: Fallback

    def for_country(self, country: str | None) -> tuple[Service, ...]:
        """The services of ``country``; none when the app has no list for it."""
        return self.by_country.get(country or "", ())


def source_url(reader: Reader, table: dict[str, Any], field: str, where: str) -> str:
    """A full https address of a page: a bare domain names no page anyone could check."""
    url = reader.text(table, field, where)
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise reader.fail(where + field, f"must be a full https:// address, not {url!r}")
    if parts.path in ("", "/") and not parts.query:
        raise reader.fail(where + field, f"must name a page, not a bare domain ({url!r})")
    return url


def _optional(reader: Reader, table: dict[str, Any], field: str, where: str) -> str | None:
    return reader.text(table, field, where) if field in table else None


def _official(reader: Reader, table: dict[str, Any], where: str) -> bool:
    value = table.get("official")
    if not isinstance(value, bool):
        raise reader.fail(where + "official", "must be true or false")
    return value


def _unknown(reader: Reader, table: dict[str, Any], allowed: set[str], where: str) -> None:
    if extra := sorted(set(table) - allowed):
        raise reader.fail(where + extra[0], "is not a field this file knows")


def _service(reader: Reader, table: dict[str, Any], where: str) -> Service:
    _unknown(reader, table, _SERVICE_FIELDS, where)
    kind = reader.text(table, "kind", where)
    if kind not in KINDS:
        raise reader.fail(where + "kind", f"must be one of {KINDS}, not {kind!r}")
    for_child = _optional(reader, table, "for_child", where)
    for_parent = _optional(reader, table, "for_parent", where) or for_child
    if for_parent is None:
        raise reader.fail(where + "for_parent", "or for_child is needed: what the service is for")
    phone = _optional(reader, table, "phone", where)
    if phone is not None and not (set(phone) <= _DIALABLE and any(c.isdigit() for c in phone)):
        raise reader.fail(where + "phone", f"must be digits to dial, words go in 'also': {phone!r}")
    return Service(
        name=reader.text(table, "name", where),
        kind=kind,
        for_parent=for_parent,
        url=source_url(reader, table, "url", where),
        checked=reader.day(table, "checked", where),
        official=_official(reader, table, where),
        for_child=for_child,
        phone=phone,
        text=_optional(reader, table, "text", where),
        also=_optional(reader, table, "also", where),
        hours=_optional(reader, table, "hours", where),
        note=_optional(reader, table, "note", where),
    )


def _fallback(reader: Reader, table: Any) -> Fallback:
    if not isinstance(table, dict):
        raise reader.fail("fallback", "is missing: countries without a list need it")
    where = "fallback."
    _unknown(reader, table, _FALLBACK_FIELDS, where)
    site = reader.text(table, "site", where)
    if urlsplit(site).scheme != "https":
        raise reader.fail(where + "site", f"must be an https:// address, not {site!r}")
    return Fallback(
        name=reader.text(table, "name", where),
        for_child=reader.text(table, "for_child", where),
        for_parent=reader.text(table, "for_parent", where),
        site=site,
        url=source_url(reader, table, "url", where),
        checked=reader.day(table, "checked", where),
        official=_official(reader, table, where),
        note=_optional(reader, table, "note", where),
    )


def load(path: Path = HELPLINES_FILE, language: str = ENGLISH) -> Helplines:
    """Read and check the helplines file in ``language``; any problem names the file and the
    field."""
    reader = translated_reader(language, Reader(path), TEXTS)
    countries = reader.data.get("country")
    if not isinstance(countries, list):
        raise ContentError(f"{path.name}: no [[country]] list")
    by_country: dict[str, tuple[Service, ...]] = {}
    for number, country in enumerate(countries, 1):
        code = reader.text(country, "code", f"country #{number}.")
        if code not in COUNTRIES:
            raise reader.fail(f"country #{number}.code", f"is not a known country code: {code!r}")
        if code in by_country:
            raise reader.fail(f"country #{number}.code", f"repeats {code}")
        services = country.get("service")
        if not isinstance(services, list) or not services:
            raise reader.fail(f"{code}.service", "needs at least one [[country.service]]")
        by_country[code] = tuple(
            _service(reader, service, f"{code}.service #{n}.")
            for n, service in enumerate(services, 1)
        )
    return Helplines(by_country, _fallback(reader, reader.data.get("fallback")))


_HELPLINES = {language: load(language=language) for language in LANGUAGES}
HELPLINES = _HELPLINES[ENGLISH]


def helplines_for(language: str | None) -> Helplines:
    """Every country's services in ``language`` (English for none), in the English order."""
    return _HELPLINES[language_of(language)]
