"""Which families the bench signs in, and the pages it asks for on their behalf.

Load spread over many families' sessions is what a server sees; one family asked for again
and again would sit in every cache and flatter the numbers.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import sqlalchemy as sa

from bench.browser import sign_in_guardian, unlock_child
from supervisor.content.lessons import LESSONS
from supervisor.models import Guardian, LessonProgress, Track

STAGE_RANK = {"licence": 0, "permit": 1, "instruction": 2}


@dataclass(frozen=True)
class Member:
    """One sampled family: who signs in, which child, and that child's pages."""

    family_id: int
    email: str
    child_id: int
    track_id: int  # the child's most advanced track: a licence where there is one
    lesson_path: str


@dataclass(frozen=True)
class Session:
    member: Member
    guardian_cookie: str
    child_cookie: str


@dataclass(frozen=True)
class Page:
    name: str
    path: Callable[[Member], str]
    who: str  # "guardian", "child" or "nobody"

    def requests(self, sessions: list[Session]) -> list[tuple[str, str]]:
        """(path, Cookie header) for each session, in the order the load tool rotates them."""
        return [(self.path(s.member), self.cookie(s)) for s in sessions]

    def cookie(self, session: Session) -> str:
        if self.who == "guardian":
            return session.guardian_cookie
        return session.child_cookie if self.who == "child" else ""


HEALTH = Page("health", lambda m: "/health", "nobody")
DASHBOARD = Page("dashboard /family/", lambda m: "/family/", "guardian")
PAGES = [
    HEALTH,
    DASHBOARD,
    Page("lesson step /me/lessons/…", lambda m: m.lesson_path, "child"),
    Page("child home /me/ (My licence)", lambda m: "/me/", "child"),
    Page("licence /me/tracks/<id>", lambda m: f"/me/tracks/{m.track_id}", "child"),
]


def family_numbers(families: int, size: int, first: int, seed: str) -> list[int]:
    """Families 1..``first`` (the same families in every database size), then a random rest."""
    rng = random.Random(f"{seed}:sample")  # noqa: S311 - choosing test data, not secrets
    kept = list(range(1, min(first, families) + 1))
    rest = range(len(kept) + 1, families + 1)
    return kept + rng.sample(rest, min(len(rest), max(0, size - len(kept))))


def members(url: str, numbers: list[int], seed: str) -> list[Member]:
    """Read what the bench needs of each family straight from the database."""
    rng = random.Random(f"{seed}:members")  # noqa: S311 - choosing test data, not secrets
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        emails: dict[int, str] = {}
        for family_id, email in connection.execute(
            sa.select(Guardian.family_id, Guardian.email)
            .where(Guardian.family_id.in_(numbers))
            .order_by(Guardian.id.desc())
        ):
            emails[family_id] = email  # the lowest id wins: the family's first guardian
        tracks = connection.execute(
            sa.select(Track.family_id, Track.child_id, Track.id, Track.stage).where(
                Track.family_id.in_(numbers)
            )
        ).all()
        best = {}
        for track in sorted(tracks, key=lambda t: (STAGE_RANK[t.stage], t.id), reverse=True):
            best[track.family_id] = (track.child_id, track.id)
        chosen = [best[n][0] for n in numbers]
        lessons: dict[int, list[tuple[str, int]]] = {}
        for child_id, lesson, position in connection.execute(
            sa.select(LessonProgress.child_id, LessonProgress.lesson, LessonProgress.position)
            .where(LessonProgress.child_id.in_(chosen))
            .order_by(LessonProgress.child_id, LessonProgress.lesson)
        ):
            lessons.setdefault(child_id, []).append((lesson, position))
    engine.dispose()
    return [
        Member(n, emails[n], best[n][0], best[n][1], _lesson_path(rng, lessons[best[n][0]]))
        for n in numbers
    ]


def _lesson_path(rng: random.Random, rows: list[tuple[str, int]]) -> str:
    """A step or question the child has reached (further on, the app redirects back)."""
    key, reached = rng.choice(rows)
    position = rng.randint(0, min(reached, LESSONS[key].length - 1))
    return f"/me/lessons/{key}/{position}"


def sign_in(base: str, chosen: list[Member], threads: int = 4) -> list[Session]:
    """Every sampled guardian signs in; every sampled child unlocks the family tablet."""

    def one(member: Member) -> Session:
        return Session(
            member,
            sign_in_guardian(base, member.email),
            unlock_child(base, member.family_id, member.child_id),
        )

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, chosen))
