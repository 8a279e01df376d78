"""Privacy-settings walkthroughs, one data file per platform, checked at start-up.

Each file records where its facts came from and when they were last checked; menus move,
so a walkthrough older than ``STALE_AFTER`` tells the family it may be out of date.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from supervisor.tracks.platforms import PLATFORMS, ContentError

FOLDER = Path(__file__).resolve().parent.parent / "content" / "walkthroughs"
STALE_AFTER = timedelta(days=183)  # about six months
GENERAL = "general"


@dataclass(frozen=True)
class Step:
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

    def fail(field: str, problem: str) -> ContentError:
        return ContentError(f"{path.name}: field {field!r} {problem}")

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ContentError(f"{path.name}: not valid TOML ({error})") from error
    if path.stem != GENERAL and path.stem not in PLATFORMS:
        raise fail("(file name)", f"{path.stem!r} is not a known platform")
    reviewed = data.get("last_reviewed")
    if not isinstance(reviewed, date) or isinstance(reviewed, datetime):
        raise fail("last_reviewed", "must be a date like 2026-06-30")
    sources = data.get("sources")
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.strip() for s in sources)
    ):
        raise fail("sources", "must list where the facts come from")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fail("title", "is missing or empty")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not 3 <= len(raw_steps) <= 15:
        raise fail("steps", "needs 3 to 15 entries")
    steps = []
    for i, step in enumerate(raw_steps):
        values = {}
        for field in ("setting", "where", "recommended", "why"):
            value = step.get(field)
            if not isinstance(value, str) or not value.strip():
                raise fail(f"steps[{i}].{field}", "is missing or empty")
            values[field] = value.strip()
        steps.append(Step(**values))
    return Walkthrough(path.stem, title.strip(), tuple(sources), reviewed, tuple(steps))


def load_all(folder: Path = FOLDER) -> dict[str, Walkthrough]:
    walkthroughs = {w.key: w for w in map(load, sorted(folder.glob("*.toml")))}
    if GENERAL not in walkthroughs:
        raise ContentError(f"{folder.name}: a general.toml walkthrough is required")
    return walkthroughs


def for_platform(platform: str) -> Walkthrough:
    """The platform's own walkthrough, or the general one for any other network."""
    return WALKTHROUGHS.get(platform) or WALKTHROUGHS[GENERAL]


WALKTHROUGHS = load_all()
