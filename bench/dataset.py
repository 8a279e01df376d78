"""Build a benchmark database: N families that have used the app for about a year.

Each family gets 1-2 guardians, 2-4 children, 1-3 tracks per child at whatever stage a year
of use leads to, and the history that use leaves behind: lessons and discussions, stage
transitions with requests and notifications, walkthroughs, check-in schedules with weekly
check-ins, learning moments, a family tablet and a security log.

Rows go in with SQLAlchemy Core bulk inserts, a few hundred families per transaction, so
5,000 families take minutes, not hours. Every family comes from its own seeded random
stream and families are numbered in order, so family 7 is the same (same ids, same rows) in
a 50-family and in a 5,000-family database: the benchmark can compare one family's page in
both.

    python -m bench.dataset --families 5000 --url sqlite:///bench/data/sqlite-5000.sqlite3
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

import supervisor.models  # noqa: F401 - registers every table on the metadata
from config import ProductionConfig
from supervisor import db as database
from supervisor import passwords, tokens
from supervisor.content.lessons import LESSONS, PROMPTS
from supervisor.content.licence_tips import CONNECTIONS
from supervisor.content.monitoring import ARRANGEMENTS
from supervisor.content.platforms import PLATFORMS
from supervisor.content.walkthroughs import for_platform
from supervisor.lessons.scoring import pass_mark
from supervisor.permit.reads import MOMENT_KINDS
from supervisor.stages import STAGES, instruction, permit, schedule
from supervisor.stages.base import Requirement, StageKey
from supervisor.web.forms.family import AVATARS, COLOURS

PASSWORD = "bench-password-1234"  # noqa: S105 - every bench guardian's password, not a secret
PIN = "4826"
SEED = "bench-1"
BATCH_FAMILIES = 250
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
# (country, time zone, weight): mostly British families, some elsewhere.
PLACES = [
    ("GB", "Europe/London", 60),
    ("US", "America/New_York", 12),
    ("US", "America/Los_Angeles", 6),
    ("AU", "Australia/Sydney", 6),
    ("IE", "Europe/Dublin", 6),
    ("DE", "Europe/Berlin", 5),
    ("NZ", "Pacific/Auckland", 5),
]
FIRST_NAMES = ["Ada", "Ben", "Cleo", "Dev", "Esme", "Finn", "Maya", "Omar", "Rosa", "Zoe"]
SURNAMES = ["Okafor", "Smith", "Nowak", "Patel", "García", "Murphy", "Chen", "Khan"]
PLATFORM_KEYS = [key for key in PLATFORMS if key != "other"]
PERMIT_PROMPTS = [p.text for p in PROMPTS if p.stage == "permit"]
NOTES = [
    "Talked about who can see the stories. Went well.",
    "Short one, busy evening. Agreed to pick it up at the weekend.",
    "Looked at the follower list together and removed two people we don't know.",
    "A good chat about a video that upset a friend.",
]
MOMENT_TEXTS = [
    "Posted a photo in school uniform with the school name visible.",
    "Accepted a follow request from someone nobody knew.",
    "Stayed up past midnight scrolling on a school night.",
    "Shared the name of the street in a video.",
]


def device_token(family_id: int) -> str:
    """The tablet cookie of a bench family, derived so the bench can unlock its children."""
    return f"bench-tablet-{family_id:06d}"


def guardian_email(family_id: int, number: int) -> str:
    return f"guardian{number}.family{family_id}@example.org"


@dataclass(frozen=True)
class Secrets:
    """One Argon2id hash each, shared by every bench account: hashing 10,000 takes minutes."""

    password_hash: str
    pin_hash: str

    @classmethod
    def make(cls) -> Secrets:
        # At the costs the benchmarked app (ProductionConfig) hashes at: no sign-in rehashes.
        shipped = passwords.Passwords(
            time_cost=ProductionConfig.ARGON2_TIME_COST,
            memory_cost=ProductionConfig.ARGON2_MEMORY_COST,
            parallelism=ProductionConfig.ARGON2_PARALLELISM,
        )
        return cls(shipped.hash(PASSWORD), shipped.hash(PIN))


class Ids:
    """Explicit primary keys, numbered per table, so child rows can name their parents."""

    def __init__(self) -> None:
        self._last: dict[str, int] = defaultdict(int)

    def __call__(self, table: str) -> int:
        self._last[table] += 1
        return self._last[table]


class Rows:
    """Rows waiting to be inserted, by table name."""

    def __init__(self) -> None:
        self.by_table: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def add(self, table: str, **row: Any) -> dict[str, Any]:
        self.by_table[table].append(row)
        return row


@dataclass
class TrackPlan:
    """A track's life: when it started and when (if yet) it reached each later stage."""

    id: int
    child_id: int
    platform: str
    created: datetime
    permit_at: datetime | None
    licence_at: datetime | None

    @property
    def stage(self) -> StageKey:
        if self.licence_at:
            return StageKey.LICENCE
        return StageKey.PERMIT if self.permit_at else StageKey.INSTRUCTION

    @property
    def entered(self) -> datetime:
        return self.licence_at or self.permit_at or self.created


@dataclass
class ChildPlan:
    id: int
    name: str
    created: datetime
    tracks: list[TrackPlan] = field(default_factory=list)

    @property
    def graduated(self) -> datetime | None:
        """When the child's first track left instruction: every lesson was done by then."""
        return min((t.permit_at for t in self.tracks if t.permit_at), default=None)


def requirement_record(stage: StageKey) -> list[dict[str, object]]:
    """A history row's picture of the requirements, all met (as at a normal sign-off)."""
    return [
        {"label": r.label, "met": True, "have": _need(r), "need": _need(r)}
        for r in STAGES[stage].requirements
    ]


def _need(requirement: Requirement) -> int:
    params = requirement.params
    for key in ("items", "lessons"):
        if key in params:
            return len(params[key])
    return int(params.get("count", 1))


class FamilyMaker:
    """Generates one family's rows from its own random stream."""

    def __init__(
        self, number: int, seed: str, now: datetime, ids: Ids, rows: Rows, secrets: Secrets
    ) -> None:
        self.rng = random.Random(f"{seed}:{number}")  # noqa: S311 - test data, not secrets
        self.now, self.ids, self.rows, self.secrets = now, ids, rows, secrets
        self.start = now - timedelta(days=365 + self.rng.uniform(0, 30))
        self.family_id = 0
        self.zone = ZoneInfo("UTC")
        self.guardians: list[int] = []
        self.device_id = 0
        self.both_sign = False
        self.own_items: list[tuple[int, str]] = []  # (id, stage) of the family's checklist items
        self.children: list[int] = []

    # --- helpers ---------------------------------------------------------------------------

    def between(self, earliest: datetime, latest: datetime) -> datetime:
        """A random moment in the range, never in the future."""
        latest = min(latest, self.now)
        if latest <= earliest:
            return min(earliest, self.now)
        return earliest + (latest - earliest) * self.rng.random()

    def add(self, table: str, **row: Any) -> dict[str, Any]:
        return self.rows.add(table, **row)

    def guardian(self) -> int:
        return self.rng.choice(self.guardians)

    def audit(
        self,
        action: str,
        at: datetime,
        actor: str | None,
        *,
        outcome: str = "success",
        subject: str | None = None,
        device: bool = False,
        family: bool = True,
    ) -> None:
        self.add(
            "audit_event",
            id=self.ids("audit_event"),
            family_id=self.family_id if family else None,
            at=at,
            action=action,
            outcome=outcome,
            actor=actor,
            subject=subject,
            device_id=self.device_id if device else None,
        )

    def notify(self, at: datetime, text: str) -> None:
        """Every guardian is told; anything older than two days has been read."""
        for guardian_id in self.guardians:
            read = at + timedelta(hours=self.rng.uniform(1, 48))
            self.add(
                "notification",
                id=self.ids("notification"),
                family_id=self.family_id,
                guardian_id=guardian_id,
                created_at=at,
                text=text,
                read_at=read if read < self.now else None,
            )

    # --- the family ------------------------------------------------------------------------

    def make(self) -> None:
        self.make_family()
        self.make_guardians()
        self.make_device()
        self.make_own_content()
        for _ in range(self.rng.randint(2, 4)):
            child = self.make_child()
            for track in child.tracks:
                self.make_track(child, track)
            self.make_lessons(child)
        self.make_security_log()

    def make_family(self) -> None:
        country, zone, _ = self.rng.choices(PLACES, weights=[w for *_, w in PLACES])[0]
        self.zone = ZoneInfo(zone)
        self.family_id = self.ids("family")
        strict = self.rng.random() < 0.1
        calendar = self.rng.random() < 0.3
        self.add(
            "family",
            id=self.family_id,
            name=f"The {self.rng.choice(SURNAMES)} family {self.family_id}",
            created_at=self.start,
            country=country,
            timezone=zone,
            both_guardians_sign=False,  # set below once the guardians are known
            calendar_token_hash=tokens.digest(f"cal-{self.family_id}") if calendar else None,
            permit_min_checkins=8 if strict else None,
            permit_min_weeks=10 if strict else None,
        )

    def make_guardians(self) -> None:
        count = 2 if self.rng.random() < 0.7 else 1
        for number in range(1, count + 1):
            guardian_id = self.ids("guardian")
            self.guardians.append(guardian_id)
            joined = self.start + (number - 1) * timedelta(days=self.rng.uniform(0.2, 5))
            self.add(
                "guardian",
                id=guardian_id,
                family_id=self.family_id,
                name=self.rng.choice(FIRST_NAMES),
                email=guardian_email(self.family_id, number),
                password_hash=self.secrets.password_hash,
                created_at=joined,
            )
            self.audit(
                "signup" if number == 1 else "join_family", joined, f"guardian:{guardian_id}"
            )
        self.both_sign = count == 2 and self.rng.random() < 0.25
        self.rows.by_table["family"][-1]["both_guardians_sign"] = self.both_sign
        self.make_invites()

    def make_invites(self) -> None:
        """The used invite of a second guardian; now and then a fresh one nobody used yet."""
        first = self.guardians[0]
        if len(self.guardians) == 2:
            made = self.start + HOUR
            self.invite(made, first, accepted_by=self.guardians[1])
        if self.rng.random() < 0.05:
            self.invite(self.now - timedelta(hours=self.rng.uniform(1, 60)), first)

    def invite(self, made: datetime, by: int, accepted_by: int | None = None) -> None:
        invite_id = self.ids("invite")
        self.add(
            "invite",
            id=invite_id,
            family_id=self.family_id,
            token_hash=tokens.digest(f"bench-invite-{invite_id}"),
            created_by_id=by,
            created_at=made,
            expires_at=made + timedelta(hours=72),
            accepted_at=made + HOUR if accepted_by else None,
            accepted_by_id=accepted_by,
        )

    def make_device(self) -> None:
        self.device_id = self.ids("device")
        enrolled = self.start + DAY
        self.add(
            "device",
            id=self.device_id,
            family_id=self.family_id,
            name="Kitchen tablet",
            token_hash=tokens.digest(device_token(self.family_id)),
            created_by_id=self.guardians[0],
            created_at=enrolled,
            last_used_at=self.now - timedelta(hours=self.rng.uniform(1, 72)),
        )
        self.audit(
            "device_enrol",
            enrolled,
            f"guardian:{self.guardians[0]}",
            subject=f"device:{self.device_id}",
            device=True,
        )

    def make_own_content(self) -> None:
        """Some families add their own checklist items and discussion prompts."""
        if self.rng.random() < 0.15:
            for stage in self.rng.sample(["instruction", "permit"], self.rng.randint(1, 2)):
                item_id = self.ids("family_checklist_item")
                self.own_items.append((item_id, stage))
                self.add(
                    "family_checklist_item",
                    id=item_id,
                    family_id=self.family_id,
                    stage=stage,
                    label="We agreed screen-free dinners",
                    created_at=self.start + 2 * DAY,
                )
        if self.rng.random() < 0.25:
            for _ in range(self.rng.randint(1, 3)):
                self.add(
                    "family_prompt",
                    id=self.ids("family_prompt"),
                    family_id=self.family_id,
                    stage=self.rng.choice(["instruction", "permit", "licence"]),
                    topic=self.rng.choice(["strangers", "time", "photos"]),
                    text="What would you do if a friend shared something about you?",
                    created_at=self.between(self.start, self.now),
                )

    # --- children and tracks ---------------------------------------------------------------

    def make_child(self) -> ChildPlan:
        child_id = self.ids("child")
        created = self.start + timedelta(hours=self.rng.uniform(1, 72))
        age = self.rng.randint(9, 15)
        name = self.rng.choice(FIRST_NAMES)
        self.add(
            "child",
            id=child_id,
            family_id=self.family_id,
            display_name=name,
            avatar=self.rng.choice(list(AVATARS)),
            colour=self.rng.choice(list(COLOURS)),
            birth_year=self.now.year - age,
            birth_month=self.rng.randint(1, 12),
            created_at=created,
            pin_hash=self.secrets.pin_hash,
            pin_locked_at=None,
        )
        self.add(
            "pin_attempts",
            child_id=child_id,
            device_id=self.device_id,
            failures=0,
            locked_until=None,
        )
        self.audit(
            "pin_set", created + HOUR, f"guardian:{self.guardians[0]}", subject=f"child:{child_id}"
        )
        self.children.append(child_id)
        child = ChildPlan(child_id, name, created)
        platforms = self.rng.sample(PLATFORM_KEYS, self.rng.randint(1, 3))
        child.tracks = [self.plan_track(child, platform) for platform in platforms]
        return child

    def plan_track(self, child: ChildPlan, platform: str) -> TrackPlan:
        created = self.between(child.created + DAY, self.now - 5 * DAY)  # added over the year
        permit_at: datetime | None = created + timedelta(days=self.rng.uniform(35, 100))
        licence_at: datetime | None = None
        if permit_at and permit_at < self.now - HOUR:
            licence_at = permit_at + timedelta(days=self.rng.uniform(70, 200))
            licence_at = licence_at if licence_at < self.now - HOUR else None
        else:
            permit_at = None
        return TrackPlan(self.ids("track"), child.id, platform, created, permit_at, licence_at)

    def make_track(self, child: ChildPlan, plan: TrackPlan) -> None:
        requested = self.open_request(plan)
        monitored = plan.stage is StageKey.PERMIT
        agreed = plan.permit_at + 3 * DAY if plan.permit_at and monitored else None
        self.add(
            "track",
            id=plan.id,
            family_id=self.family_id,
            child_id=child.id,
            platform=plan.platform,
            other_name=None,
            stage=plan.stage.value,
            stage_entered_at=plan.entered,
            created_at=plan.created,
            requested_at=requested,
            request_note="I think I'm ready!" if requested else None,
            monitoring=self.rng.choice(list(ARRANGEMENTS)) if monitored else None,
            monitoring_agreed_at=agreed,
            monitoring_child_agreed_at=agreed + DAY if agreed else None,
            connections=self.rng.sample(list(CONNECTIONS), self.rng.randint(0, 2))
            if plan.licence_at
            else [],
            refresher=bool(plan.licence_at) and self.rng.random() < 0.5,
            version=1 + (plan.permit_at is not None) + (plan.licence_at is not None),
        )
        self.make_history(child, plan, requested)
        self.make_ticks(plan)
        if plan.permit_at:
            self.make_walkthroughs(plan)
            held = self.make_checkins(plan)
            self.make_moments(plan, held)

    def open_request(self, plan: TrackPlan) -> datetime | None:
        """About one track in ten that has been at its stage a while has asked for sign-off."""
        if plan.stage is StageKey.LICENCE or self.now - plan.entered < timedelta(days=30):
            return None
        if self.rng.random() >= 0.1:
            return None
        return self.now - timedelta(hours=self.rng.uniform(2, 140))

    def event(self, plan: TrackPlan, at: datetime, kind: str, actor: str, **fields: Any) -> None:
        guardian_id = int(actor.split(":")[1]) if actor.startswith("guardian:") else None
        self.add(
            "track_event",
            id=self.ids("track_event"),
            family_id=self.family_id,
            track_id=plan.id,
            at=at,
            kind=kind,
            from_stage=fields.get("from_stage"),
            to_stage=fields.get("to_stage"),
            actor=actor,
            guardian_id=guardian_id,
            reason=fields.get("reason"),
            override=False,
            requirements=fields.get("requirements"),
        )

    def make_history(self, child: ChildPlan, plan: TrackPlan, requested: datetime | None) -> None:
        """Created, then a request and a sign-off for every stage reached; an open request."""
        name = PLATFORMS[plan.platform].name
        self.event(
            plan,
            plan.created,
            "created",
            f"guardian:{self.guardians[0]}",
            to_stage=StageKey.INSTRUCTION.value,
        )
        for at, before, after in (
            (plan.permit_at, StageKey.INSTRUCTION, StageKey.PERMIT),
            (plan.licence_at, StageKey.PERMIT, StageKey.LICENCE),
        ):
            if at is not None:
                self.make_sign_off(child, plan, at, before, after, name)
        target = STAGES[plan.stage].advances_to
        if requested is not None and target is not None:
            self.event(
                plan,
                requested,
                "request",
                f"child:{child.id}",
                from_stage=plan.stage.value,
                to_stage=target.value,
                reason="I think I'm ready!",
                requirements=requirement_record(plan.stage),
            )
            self.notify(requested, f"{child.name} asks for sign-off on {name}.")

    def make_sign_off(
        self,
        child: ChildPlan,
        plan: TrackPlan,
        at: datetime,
        before: StageKey,
        after: StageKey,
        name: str,
    ) -> None:
        record = requirement_record(before)
        stages = {"from_stage": before.value, "to_stage": after.value, "requirements": record}
        if self.rng.random() < 0.15:  # asked too early once, and was told why
            early = at - timedelta(days=self.rng.uniform(8, 20))
            self.event(plan, early, "request", f"child:{child.id}", **stages)
            self.event(
                plan,
                early + DAY,
                "decline",
                f"guardian:{self.guardian()}",
                from_stage=before.value,
                reason="Let's do two more check-ins first.",
            )
        asked = at - timedelta(hours=self.rng.uniform(3, 60))
        self.event(plan, asked, "request", f"child:{child.id}", **stages)
        self.notify(asked, f"{child.name} asks for sign-off on {name}.")
        signer = self.guardians[-1]
        if self.both_sign:
            first = self.guardians[0]
            self.event(plan, at - HOUR, "signature", f"guardian:{first}", **stages)
        self.event(plan, at, "advance", f"guardian:{signer}", **stages)
        self.audit(
            "sign_off",
            at,
            f"guardian:{signer}",
            subject=f"track:{plan.id} {before.value}->{after.value}",
        )
        self.notify(at, f"A guardian signed off {child.name}'s {name}: now {after.label}.")

    def make_ticks(self, plan: TrackPlan) -> None:
        """Checklist items ticked for every stage the track left, some for the current one."""
        stages = [
            (StageKey.INSTRUCTION, instruction.CHECKLIST, plan.permit_at),
            (StageKey.PERMIT, permit.CHECKLIST, plan.licence_at),
        ]
        for stage, items, left_at in stages:
            current = plan.stage is stage
            if left_at is None and not current:
                continue
            keys = [key for key, _ in items]
            keys += [f"family-{item_id}" for item_id, s in self.own_items if s == stage.value]
            for key in keys:
                if left_at is None and self.rng.random() < 0.5:
                    continue
                self.add(
                    "checklist_tick",
                    track_id=plan.id,
                    item=key,
                    family_id=self.family_id,
                    ticked_by_id=self.guardian(),
                    ticked_at=self.between(
                        plan.entered if current else plan.created, left_at or self.now
                    ),
                )

    def make_walkthroughs(self, plan: TrackPlan) -> None:
        """The privacy walkthrough, done in the permit's first days; now and then redone."""
        assert plan.permit_at is not None
        guide = for_platform(plan.platform)
        started = plan.permit_at + timedelta(days=self.rng.uniform(0.5, 3))
        self.walkthrough_run(plan, guide.key, len(guide.steps), started, finished=True)
        if self.rng.random() < 0.15:
            again = self.between(started + 20 * DAY, plan.licence_at or self.now)
            self.walkthrough_run(
                plan, guide.key, len(guide.steps), again, finished=self.rng.random() < 0.7
            )

    def walkthrough_run(
        self, plan: TrackPlan, key: str, steps: int, started: datetime, finished: bool
    ) -> None:
        run_id = self.ids("walkthrough_run")
        answered = steps if finished else self.rng.randint(0, steps - 1)
        at = started
        for step in range(answered):
            at = min(at + timedelta(minutes=self.rng.uniform(1, 6)), self.now)
            outcome = self.rng.choices(["done", "different", "not_found"], [85, 10, 5])[0]
            self.add(
                "walkthrough_answer",
                run_id=run_id,
                step=step,
                family_id=self.family_id,
                outcome=outcome,
                note="We kept it on for close friends." if outcome == "different" else None,
                at=at,
            )
        self.add(
            "walkthrough_run",
            id=run_id,
            family_id=self.family_id,
            track_id=plan.id,
            walkthrough=key,
            started_at=started,
            finished_at=at if finished else None,
        )

    def make_checkins(self, plan: TrackPlan) -> list[tuple[int, date, datetime]]:
        """An agreed weekly schedule (sometimes fading to fortnightly) and its check-ins."""
        assert plan.permit_at is not None
        versions = self.make_schedule(plan)
        end = plan.licence_at or self.now
        first = versions[0].effective_from
        held = []
        for day, moment in schedule.occurrences(versions, self.zone, first, end.date()):
            recorded = moment + timedelta(hours=self.rng.uniform(0.5, 30))
            if moment > end or recorded > self.now or self.rng.random() < 0.08:
                continue  # due later, not yet recorded, or forgotten (overdue)
            checkin_id = self.ids("checkin")
            was_held = self.rng.random() < 0.9
            self.add(
                "checkin",
                id=checkin_id,
                family_id=self.family_id,
                track_id=plan.id,
                due_on=day,
                held=was_held,
                recorded_at=recorded,
                recorded_by_id=self.guardian(),
                prompts_used=self.rng.sample(PERMIT_PROMPTS, self.rng.randint(0, 2)),
                shared_notes=self.rng.choice(NOTES) if self.rng.random() < 0.4 else None,
                private_notes="Seemed tired; ask again next week."
                if was_held and self.rng.random() < 0.15
                else None,
            )
            if was_held:
                held.append((checkin_id, day, recorded))
        return held

    def make_schedule(self, plan: TrackPlan) -> list[schedule.Rhythm]:
        assert plan.permit_at is not None
        agreed = plan.permit_at + timedelta(days=self.rng.uniform(1, 4))
        start = agreed.astimezone(self.zone).date() + timedelta(days=2)
        weekday, at_time = self.rng.randint(0, 6), self.rng.choice(["17:30", "18:00", "19:00"])
        versions = [schedule.Rhythm("weekly", 0, weekday, at_time, start)]
        if self.rng.random() < 0.4:  # a fade plan agreed at once: fortnightly after ten weeks
            versions.append(schedule.Rhythm("fortnightly", 0, weekday, at_time, start + 70 * DAY))
        for version in versions:
            self.schedule_row(plan, 1, version, agreed, child_agreed=agreed + HOUR)
        if plan.stage is StageKey.PERMIT and self.rng.random() < 0.05:
            later = self.now.astimezone(self.zone).date() + 7 * DAY
            waiting = schedule.Rhythm("fortnightly", 0, weekday, at_time, later)
            self.schedule_row(plan, 2, waiting, self.now - 2 * DAY, child_agreed=None)
        return versions

    def schedule_row(
        self,
        plan: TrackPlan,
        number: int,
        version: schedule.Rhythm,
        agreed: datetime,
        child_agreed: datetime | None,
    ) -> None:
        self.add(
            "checkin_schedule",
            id=self.ids("checkin_schedule"),
            family_id=self.family_id,
            track_id=plan.id,
            plan=number,
            frequency=version.frequency,
            every_days=version.every_days,
            weekday=version.weekday,
            at_time=version.at_time,
            minutes=20,
            effective_from=version.effective_from,
            created_at=agreed,
            guardian_agreed_at=agreed,
            child_agreed_at=child_agreed,
            ended_at=plan.licence_at,
        )

    def make_moments(self, plan: TrackPlan, held: list[tuple[int, date, datetime]]) -> None:
        """A few mistakes treated as lessons, most talked through at the next check-in."""
        assert plan.permit_at is not None
        for _ in range(self.rng.choice([0, 0, 1, 1, 2, 3])):
            created = self.between(plan.permit_at, plan.licence_at or self.now)
            talked = next((cid for cid, _, recorded in held if recorded > created), None)
            reflected = created + DAY if self.rng.random() < 0.6 else None
            reflected = reflected if reflected and reflected < self.now else None
            self.add(
                "learning_moment",
                id=self.ids("learning_moment"),
                family_id=self.family_id,
                track_id=plan.id,
                kind=self.rng.choice(list(MOMENT_KINDS)),
                what_happened=self.rng.choice(MOMENT_TEXTS),
                lesson=self.rng.choice([None, *LESSONS]),
                created_at=created,
                reflection="I didn't think about who else could see it." if reflected else None,
                reflected_at=reflected,
                talked_in_id=talked,
            )

    # --- lessons ---------------------------------------------------------------------------

    def make_lessons(self, child: ChildPlan) -> None:
        """Every lesson done before the first permit; otherwise some done and one under way."""
        keys = list(LESSONS)
        graduated = child.graduated
        done = keys if graduated else keys[: self.rng.randint(2, len(keys))]
        until = graduated - 2 * DAY if graduated else self.now
        moments = sorted(self.between(child.created, until) for _ in done)
        for key, finished in zip(done, moments, strict=True):
            self.lesson_row(child, key, finished, must_pass=graduated is not None)
            if graduated or self.rng.random() < 0.6:
                self.add(
                    "lesson_discussion",
                    child_id=child.id,
                    lesson=key,
                    family_id=self.family_id,
                    ticked_by_id=self.guardian(),
                    ticked_at=self.between(finished, until),
                )
        if len(done) < len(keys):
            self.lesson_row(child, keys[len(done)], None, must_pass=False)

    def lesson_row(
        self, child: ChildPlan, key: str, finished: datetime | None, must_pass: bool
    ) -> None:
        lesson = LESSONS[key]
        steps, questions = len(lesson.steps), len(lesson.quiz)
        if finished is None:  # under way: somewhere in the steps or the quiz
            position = self.rng.randint(1, lesson.length - 1)
            answered = max(0, position - steps)
        else:
            position, answered = lesson.length, questions
        passing = must_pass or self.rng.random() < 0.85
        right = pass_mark(lesson) + self.rng.randint(0, questions - pass_mark(lesson))
        right = right if passing else self.rng.randint(0, pass_mark(lesson) - 1)
        answers = {}
        for question in range(answered):
            correct = lesson.quiz[question].answer
            wrong = (correct + 1) % len(lesson.quiz[question].options)
            answers[str(question)] = [correct] if question < right else [wrong, correct]
        started = (finished or self.now) - timedelta(minutes=self.rng.uniform(5, 40))
        first_try = min(right, answered)
        self.add(
            "lesson_progress",
            child_id=child.id,
            lesson=key,
            family_id=self.family_id,
            position=position,
            attempt=1,
            answers=answers,
            first_try_correct=first_try,
            best_score=first_try if finished else None,
            started_at=started,
            completed_at=finished,
        )

    # --- the security log ------------------------------------------------------------------

    def make_security_log(self) -> None:
        """Guardians sign in about weekly; children unlock their profiles a few times a week."""
        weeks = int((self.now - self.start) / (7 * DAY))
        for week in range(weeks):
            monday = self.start + week * 7 * DAY
            for guardian_id in self.guardians:
                if self.rng.random() < 0.8:
                    self.sign_in(monday + 7 * DAY * self.rng.random(), guardian_id)
            for child_id in self.children:
                for _ in range(self.rng.randint(0, 3)):
                    self.unlock(monday + 7 * DAY * self.rng.random(), child_id)

    def sign_in(self, at: datetime, guardian_id: int) -> None:
        if self.rng.random() < 0.03:  # a mistyped password: no family, the address as subject
            email = guardian_email(self.family_id, self.guardians.index(guardian_id) + 1)
            self.audit("login", at - HOUR, None, outcome="failure", subject=email, family=False)
        self.audit("login", at, f"guardian:{guardian_id}")

    def unlock(self, at: datetime, child_id: int) -> None:
        if self.rng.random() < 0.04:
            self.audit("pin_unlock", at - HOUR, f"child:{child_id}", outcome="failure", device=True)
        self.audit("pin_unlock", at, f"child:{child_id}", device=True)


# --- the database ------------------------------------------------------------------------


def create_database(url: str) -> sa.Engine:
    """A new, empty database at ``url`` with every migration applied; an old one is dropped."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        _recreate_postgresql(parsed)
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        database.configure_sqlite(engine)
        sa.event.listen(engine, "connect", _fast_sqlite_writes)
    database.upgrade(engine)
    return engine


def _fast_sqlite_writes(dbapi_connection: Any, _record: Any) -> None:
    """Loading test data needs no crash safety: a failed build is simply built again."""
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def _recreate_postgresql(url: sa.URL) -> None:
    name = url.database
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"a plain PostgreSQL database name is needed, not {name!r}")
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()


def insert(connection: sa.Connection, rows: Rows) -> None:
    """Bulk-insert the rows, parents before children."""
    for table in database.metadata.sorted_tables:
        batch = rows.by_table.get(table.name)
        if batch:
            connection.execute(table.insert(), batch)


def finish(engine: sa.Engine) -> None:
    """After explicit ids: move PostgreSQL's sequences on and gather planner statistics."""
    if engine.dialect.name != "postgresql":
        raw = engine.raw_connection()  # outside any transaction, as a checkpoint needs
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
        finally:
            raw.close()
        return
    with engine.begin() as connection:
        for table in database.metadata.sorted_tables:
            if "id" in table.c and table.c.id.autoincrement is not False:
                connection.execute(
                    sa.select(
                        sa.func.setval(
                            sa.func.pg_get_serial_sequence(table.name, "id"),
                            sa.func.coalesce(
                                sa.select(sa.func.max(table.c.id)).scalar_subquery(), 1
                            ),
                        )
                    )
                )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def row_counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.scalar(sa.select(sa.func.count()).select_from(table)) or 0
            for table in database.metadata.sorted_tables
        }


def build(
    url: str, families: int, seed: str = SEED, log: Callable[[str], None] = print
) -> dict[str, int]:
    """Create the database at ``url`` with ``families`` families; returns rows per table."""
    started = time.monotonic()
    engine = create_database(url)
    secrets, ids, now = Secrets.make(), Ids(), datetime.now(UTC)
    rows = Rows()
    for number in range(1, families + 1):
        FamilyMaker(number, seed, now, ids, rows, secrets).make()
        if number % BATCH_FAMILIES == 0 or number == families:
            with engine.begin() as connection:
                insert(connection, rows)
            log(f"  {number}/{families} families, {time.monotonic() - started:.0f} s")
            rows = Rows()
    finish(engine)
    counts = row_counts(engine)
    engine.dispose()
    log(f"  built in {time.monotonic() - started:.0f} s: {sum(counts.values()):,} rows")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, required=True)
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the database to (re)create")
    parser.add_argument("--seed", default=SEED)
    args = parser.parse_args()
    counts = build(args.url, args.families, args.seed)
    for table, count in counts.items():
        print(f"{table:24} {count:>10,}")


if __name__ == "__main__":
    main()
