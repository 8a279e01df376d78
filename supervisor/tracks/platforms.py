"""The social networks a track can be for, loaded and checked from ``content/platforms.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from supervisor import clock
from supervisor.places import COUNTRIES

PLATFORMS_FILE = Path(__file__).resolve().parent.parent / "content" / "platforms.toml"


class ContentError(Exception):
    """A content file is broken; the message names the file and the field."""


@dataclass(frozen=True)
class Platform:
    key: str
    name: str
    min_age: int
    min_age_by_country: dict[str, int] = field(default_factory=dict)
    note: str | None = None

    def minimum_age(self, country: str) -> int:
        return self.min_age_by_country.get(country, self.min_age)


def load(path: Path = PLATFORMS_FILE) -> dict[str, Platform]:
    """Read and check the platforms file; any problem names the file and the entry."""
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8"))["platform"]
    except (OSError, tomllib.TOMLDecodeError, KeyError) as error:
        raise ContentError(f"{path.name}: cannot read a [[platform]] list ({error})") from error
    platforms: dict[str, Platform] = {}
    for number, entry in enumerate(entries, 1):
        where = f"{path.name}: platform #{number}"
        try:
            platform = Platform(**entry)
        except TypeError as error:
            raise ContentError(f"{where}: {error}") from error
        if not platform.key or platform.key in platforms:
            raise ContentError(f"{where}: key {platform.key!r} is missing or repeated")
        unknown = set(platform.min_age_by_country) - set(COUNTRIES)
        if unknown:
            raise ContentError(f"{where}: unknown country {sorted(unknown)}")
        platforms[platform.key] = platform
    if "other" not in platforms:
        raise ContentError(f"{path.name}: an 'other' platform is required")
    return platforms


PLATFORMS = load()


ADULT = 18  # at this age supervision ends on every track, whatever its stage


def age_now(birth_year: int, birth_month: int) -> int:
    """Whole years of age, counting a birthday in the current month as not yet reached."""
    today = clock.now()
    return today.year - birth_year - (1 if today.month <= birth_month else 0)
