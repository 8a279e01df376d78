"""The retention policy (README, "How long records are kept"): each kind of record is kept
for its window and deleted after it, in batches, once; a family's own history never."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from supervisor.db import Model, metadata
from supervisor.extensions import db
from supervisor.jobs import reminders, retention, tasks
from supervisor.models import (
    AuditEvent,
    CheckIn,
    CheckInNote,
    CheckInSchedule,
    ChecklistTick,
    Child,
    Family,
    FamilyChecklistItem,
    FamilyWordingChange,
    Guardian,
    Invite,
    JobRun,
    LearningMoment,
    LessonProgress,
    LoginThrottle,
    Notification,
    OutboxMessage,
    RuleChange,
    SentReminder,
    Track,
    TrackEvent,
    WalkthroughAnswer,
    WalkthroughRun,
)
from supervisor.stages.base import StageKey
from supervisor.stages.events import EventKind

LONG_AGO = datetime(2010, 1, 4, 12, 0, tzinfo=UTC)
# The family's own history: no rule may ever name these tables.
HISTORY = (
    TrackEvent,
    CheckIn,
    CheckInNote,
    CheckInSchedule,
    ChecklistTick,
    LearningMoment,
    FamilyChecklistItem,
    FamilyWordingChange,
    RuleChange,
    WalkthroughRun,
    WalkthroughAnswer,
    LessonProgress,
    Track,
    Child,
    Guardian,
    Family,
)


@dataclass(frozen=True)
class World:
    family_id: int
    guardian_id: int
    child_id: int
    track_id: int


def world(app: Flask, now: datetime) -> World:
    """A family with a guardian, a child and a track in the permit, made years ago."""
    with app.app_context():
        family = Family(name="The Okafors", created_at=LONG_AGO)
        db.session.add(family)
        db.session.flush()
        guardian = Guardian(
            family_id=family.id,
            name="Ada",
            email="ada@example.org",
            password_hash="-",
            created_at=LONG_AGO,
        )
        child = Child(
            family_id=family.id,
            display_name="Mo",
            avatar="fox",
            colour="sky",
            birth_year=2013,
            birth_month=5,
            created_at=LONG_AGO,
        )
        db.session.add_all([guardian, child])
        db.session.flush()
        track = Track(
            family_id=family.id,
            child_id=child.id,
            platform="instagram",
            stage=StageKey.PERMIT,
            stage_entered_at=LONG_AGO,
            created_at=LONG_AGO,
        )
        db.session.add(track)
        db.session.commit()
        return World(family.id, guardian.id, child.id, track.id)


# kind -> (the setting its window is, or a function of the config, and a row made at ``when``)
Make = Callable[[World, datetime, int], Model]


def _audit(w: World, when: datetime, n: int) -> Model:
    return AuditEvent(family_id=w.family_id, at=when, action="login", outcome="success")


def _read(w: World, when: datetime, n: int) -> Model:
    return Notification(
        family_id=w.family_id,
        guardian_id=w.guardian_id,
        created_at=when - timedelta(days=3),
        read_at=when,
        message="Mo asked for sign-off.",
    )


def _unread(w: World, when: datetime, n: int) -> Model:
    return Notification(
        family_id=w.family_id, guardian_id=w.guardian_id, created_at=when, message="Hello."
    )


def _throttle(w: World, when: datetime, n: int) -> Model:
    return LoginThrottle(email=f"nobody{n}@example.org", failures=3, window_started_at=when)


def _lockout(w: World, when: datetime, n: int) -> Model:
    """A lock that ended at ``when`` (its failures counted from before it)."""
    return LoginThrottle(
        email=f"locked{n}@example.org",
        failures=0,
        lockouts=2,
        window_started_at=when - timedelta(hours=1),
        locked_until=when,
    )


def _invite(w: World, when: datetime, n: int) -> Model:
    return Invite(
        family_id=w.family_id,
        token_hash=f"{n:064d}",
        created_by_id=w.guardian_id,
        created_at=when - timedelta(hours=72),
        expires_at=when,
        email="bo@example.org",
    )


def _mail(status: str) -> Make:
    def make(w: World, when: datetime, n: int) -> Model:
        return OutboxMessage(
            family_id=w.family_id,
            kind="notice",
            to_address="ada@example.org",
            subject="A sign-off request is waiting",
            created_at=when,
            next_attempt_at=when,
            status=status,
            attempts=1,
            sent_at=when if status == "sent" else None,
        )

    return make


def _reminder(w: World, when: datetime, n: int) -> Model:
    return SentReminder(
        track_id=w.track_id, due_on=when.date(), kind=f"k{n}", family_id=w.family_id, sent_at=when
    )


def _job_run(w: World, when: datetime, n: int) -> Model:
    return JobRun(name="reminders", period=f"p{n}", started_at=when)


@dataclass(frozen=True)
class Case:
    kind: str
    window: Callable[[dict[str, Any]], timedelta]
    make: Make
    step: timedelta = timedelta(seconds=1)  # how far either side of the edge the two rows are


def setting(name: str) -> Callable[[dict[str, Any]], timedelta]:
    return lambda config: config[name]


CASES = [
    Case("audit", setting("AUDIT_RETENTION"), _audit),
    Case("notifications_read", setting("READ_NOTIFICATION_RETENTION"), _read),
    Case("notifications_unread", setting("UNREAD_NOTIFICATION_RETENTION"), _unread),
    Case("login_throttles", setting("LOGIN_FAILURE_WINDOW"), _throttle),
    Case("login_throttles", setting("LOGIN_LOCKOUT_RESET"), _lockout),
    Case("invites", setting("INVITE_RETENTION"), _invite),
    Case("mail_sent", setting("SENT_MAIL_RETENTION"), _mail("sent")),
    Case("mail_failed", setting("FAILED_MAIL_RETENTION"), _mail("failed")),
    # a day of the calendar: the reminder due the day the window starts is still kept
    Case("sent_reminders", setting("SENT_REMINDER_RETENTION"), _reminder, timedelta(days=1)),
    Case("job_runs", setting("JOB_RUN_RETENTION"), _job_run),
]


def count(app: Flask, model: type[Model]) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def prune(app: Flask, now: datetime, batch: int | None = None) -> dict[str, int]:
    with app.app_context():
        return retention.prune(now, batch)


def test_every_rule_has_a_case_here() -> None:
    assert {case.kind for case in CASES} == {rule.kind for rule in retention.RULES}


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.kind}-{case.make.__name__}")
def test_a_row_just_inside_its_window_is_kept_and_one_just_outside_deleted(
    app: Flask, clock: Any, case: Case
) -> None:
    now = clock.current
    w = world(app, now)
    with app.app_context():
        edge = now - case.window(app.config)
        model = type(case.make(w, edge, 0))
        before = db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
        inside, outside = case.make(w, edge + case.step, 1), case.make(w, edge - case.step, 2)
        db.session.add_all([inside, outside])
        db.session.commit()
        kept = sa.inspect(inside).identity
        gone = sa.inspect(outside).identity
    counts = prune(app, now)
    assert counts[case.kind] == 1
    assert sum(counts.values()) == 1  # no other rule took it, nor anything else
    with app.app_context():
        assert db.session.get(model, kept) is not None
        assert db.session.get(model, gone) is None
    assert count(app, model) == before + 1


def test_a_notification_read_lately_is_kept_however_old_it_is(app: Flask, clock: Any) -> None:
    w = world(app, clock.current)
    with app.app_context():
        db.session.add(
            Notification(
                family_id=w.family_id,
                guardian_id=w.guardian_id,
                created_at=LONG_AGO,
                read_at=clock.current - timedelta(days=1),
                message="Old news.",
            )
        )
        db.session.commit()
    assert prune(app, clock.current)["notifications_unread"] == 0
    assert count(app, Notification) == 1


def test_mail_still_queued_is_never_pruned(app: Flask, clock: Any) -> None:
    w = world(app, clock.current)
    with app.app_context():
        db.session.add(_mail("queued")(w, LONG_AGO, 0))
        db.session.commit()
    counts = prune(app, clock.current)
    assert counts["mail_sent"] == counts["mail_failed"] == 0
    assert count(app, OutboxMessage) == 1


def test_a_live_lock_on_an_old_window_is_kept(app: Flask, clock: Any) -> None:
    """Failures long out of their window, but a lock still counting towards the next."""
    with app.app_context():
        db.session.add(
            LoginThrottle(
                email="ada@example.org",
                failures=0,
                lockouts=3,
                window_started_at=LONG_AGO,
                locked_until=clock.current - timedelta(hours=2),
            )
        )
        db.session.commit()
    assert prune(app, clock.current)["login_throttles"] == 0
    assert count(app, LoginThrottle) == 1


def test_reminders_are_kept_longer_than_the_reminders_job_looks_back(app: Flask) -> None:
    looked_back = reminders.OVERDUE_WINDOW + timedelta(days=2)
    assert app.config["SENT_REMINDER_RETENTION"] > looked_back


def history(w: World) -> list[Model]:
    """One row of every kind of the family's own history, older than every window."""
    old = LONG_AGO
    schedule = CheckInSchedule(
        family_id=w.family_id,
        track_id=w.track_id,
        plan=1,
        frequency="weekly",
        every_days=7,
        weekday=0,
        at_time="18:00",
        minutes=20,
        effective_from=old.date(),
        created_at=old,
        guardian_agreed_at=old,
        child_agreed_at=old,
    )
    item = FamilyChecklistItem(
        family_id=w.family_id, stage=StageKey.PERMIT, label="We set a bedtime", created_at=old
    )
    return [
        TrackEvent(
            family_id=w.family_id,
            track_id=w.track_id,
            at=old,
            kind=EventKind.ADVANCE,
            from_stage=StageKey.INSTRUCTION,
            to_stage=StageKey.PERMIT,
            actor=f"guardian:{w.guardian_id}",
            guardian_id=w.guardian_id,
            requirements=[],
        ),
        schedule,
        CheckIn(
            family_id=w.family_id,
            track_id=w.track_id,
            due_on=date(2010, 1, 11),
            held=True,
            recorded_at=old,
            recorded_by_id=w.guardian_id,
        ),
        LearningMoment(
            family_id=w.family_id,
            track_id=w.track_id,
            kind="overshare",
            what_happened="Posted the school's name.",
            created_at=old,
        ),
        ChecklistTick(track_id=w.track_id, item="privacy", family_id=w.family_id, ticked_at=old),
        item,
        RuleChange(
            family_id=w.family_id,
            proposed_by_id=w.guardian_id,
            proposed_at=old,
            changes={"permit_min_weeks": 4},
            previous={"permit_min_weeks": 8},
            decided_at=old,
            outcome="approved",
        ),
        LessonProgress(
            child_id=w.child_id, lesson="privacy", family_id=w.family_id, started_at=old
        ),
        WalkthroughRun(
            family_id=w.family_id,
            track_id=w.track_id,
            walkthrough="instagram",
            started_at=old,
            finished_at=old,
        ),
    ]


def history_after(w: World) -> list[Model]:
    """The rows of the history that point at rows of ``history``."""
    old = LONG_AGO
    return [
        FamilyWordingChange(
            family_id=w.family_id,
            checklist_item_id=db.session.scalars(sa.select(FamilyChecklistItem.id)).one(),
            at=old,
            guardian_id=w.guardian_id,
            action="edited",
            before="We set a bed time",
            after="We set a bedtime",
            reason="a typo",
        ),
        CheckInNote(
            family_id=w.family_id,
            checkin_id=db.session.scalars(sa.select(CheckIn.id)).one(),
            child_id=w.child_id,
            text="We talked about it.",
            written_at=old,
        ),
        WalkthroughAnswer(
            run_id=db.session.scalars(sa.select(WalkthroughRun.id)).one(),
            step=0,
            family_id=w.family_id,
            outcome="done",
            at=old,
        ),
    ]


def test_a_familys_own_history_older_than_every_window_is_kept(app: Flask, clock: Any) -> None:
    w = world(app, clock.current)
    with app.app_context():
        db.session.add_all(history(w))
        db.session.flush()
        db.session.add_all(history_after(w))
        db.session.commit()
    pruned = {rule.model.__tablename__ for rule in retention.RULES}
    before = {
        table.name: count(app, table)
        for table in metadata.sorted_tables
        if table.name not in pruned
    }
    assert all(before[model.__tablename__] > 0 for model in HISTORY)
    # Years later, and every window long past:
    assert sum(prune(app, clock.current + timedelta(days=3650)).values()) == 0
    after = {name: count(app, metadata.tables[name]) for name in before}
    assert after == before


def test_no_rule_names_a_table_of_the_familys_history() -> None:
    history_tables = {model.__tablename__ for model in HISTORY}
    assert not history_tables & {rule.model.__tablename__ for rule in retention.RULES}


def test_running_it_twice_deletes_nothing_the_second_time(app: Flask, clock: Any) -> None:
    now = clock.current
    w = world(app, now)
    with app.app_context():
        for n, case in enumerate(CASES):
            db.session.add(case.make(w, now - case.window(app.config) - case.step, n))
        db.session.commit()
    first = prune(app, now)
    assert sum(first.values()) == len(CASES)
    assert first["login_throttles"] == 2
    assert prune(app, now) == {rule.kind: 0 for rule in retention.RULES}


@pytest.mark.parametrize(
    "case", [CASES[0], CASES[3], CASES[8]], ids=["by id", "by address", "by composite key"]
)
def test_with_a_batch_of_2_all_5_old_rows_go(app: Flask, clock: Any, case: Case) -> None:
    now = clock.current
    w = world(app, now)
    with app.app_context():
        edge = now - case.window(app.config)
        rows = [case.make(w, edge - case.step * (n + 1), n) for n in range(5)]
        rows.append(case.make(w, edge + case.step, 9))  # and one to keep
        db.session.add_all(rows)
        db.session.commit()
        model = type(rows[0])
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.lstrip())

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", note)
        try:
            assert retention.prune(now, batch=2)[case.kind] == 5
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", note)
    assert count(app, model) == 1
    delete = f"DELETE FROM {model.__tablename__} "  # noqa: S608 - a prefix to look for
    deletes = [s for s in statements if s.startswith(delete)]
    assert len(deletes) == 3  # 2 + 2 + 1: never more than a batch a statement


def test_the_daily_job_prunes_once_a_day(app: Flask, clock: Any) -> None:
    w = world(app, clock.current)
    with app.app_context():
        db.session.add(_audit(w, LONG_AGO, 0))
        db.session.commit()
        assert tasks.prune()["audit"] == 1
        assert tasks.prune() == {}  # another worker's turn today
        assert "prune" in tasks.JOBS and tasks.JOBS["prune"][1] is not None
    assert count(app, AuditEvent) == 0


def test_the_command_prunes_and_says_how_much_of_each_kind(app: Flask, clock: Any) -> None:
    w = world(app, clock.current)
    with app.app_context():
        db.session.add_all([_audit(w, LONG_AGO, 0), _audit(w, clock.current, 1)])
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["supervisor", "prune"])
    assert result.exit_code == 0, result.output
    assert "audit: 1 deleted" in result.output
    assert "invites: 0 deleted" in result.output
    assert count(app, AuditEvent) == 1
