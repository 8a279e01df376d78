"""Privacy-settings walkthroughs, one data file per platform, checked at start-up.

Each file records where its facts came from and when they were last checked; menus move,
so a walkthrough older than ``STALE_AFTER`` tells the family it may be out of date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import ClassVar

from supervisor.content import FOLDER as CONTENT
from supervisor.content import ContentError, Reader
from supervisor.content.platforms import PLATFORMS

FOLDER = CONTENT / "walkthroughs"
STALE_AFTER = timedelta(days=183)  # about six months
GENERAL = "general"


@dataclass(frozen=True)
class Step:
    FIELDS: ClassVar = ("setting", "where", "recommended", "why")

    setting: str
    where: str
    recommended: str
    why: str


@dataclass(frozen=True)
class Walkthrough:
    key: str
    title: str
    sources: tuple[str, ...]
    last_reviewed: date
    steps: tuple[Step, ...]

    def is_stale(self, now: datetime) -> bool:
        return now.date() - self.last_reviewed > STALE_AFTER


def load(path: Path) -> Walkthrough:
    """One walkthrough file; every complaint names the file and the field."""
    reader = Reader(path)
    data = reader.data
    if path.stem != GENERAL and path.stem not in PLATFORMS:
        raise reader.fail("(file name)", f"{path.stem!r} is not a known platform")
    reviewed = reader.day(data, "last_reviewed")
    sources = data.get("sources")
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.strip() for s in sources)
    ):
        raise reader.fail("sources", "must list where the facts come from")
    steps = tuple(
        Step(**{field: reader.text(step, field, f"steps[{i}].") for field in Step.FIELDS})
        for i, step in enumerate(reader.items(data, "steps", 3, 15))
    )
    return Walkthrough(path.stem, reader.text(data, "title"), tuple(sources), reviewed, steps)


def load_all(folder: Path = FOLDER) -> dict[str, Walkthrough]:
    walkthroughs = {w.key: w for w in map(load, sorted(folder.glob("*.toml")))}
    if GENERAL not in walkthroughs:
        raise ContentError(f"{folder.name}: a general.toml walkthrough is required")
    return walkthroughs


def for_platform(platform: str) -> Walkthrough:
    """The platform's own walkthrough, or the general one for any other network."""
    return WALKTHROUGHS.get(platform) or WALKTHROUGHS[GENERAL]


WALKTHROUGHS = load_all()
