"""Every state-changing route against its declared rule (security targets 3, 17 and 22).

``supervisor.web.authority.RULES`` says, for each POST endpoint, whether it needs a fresh
password, which audit action it writes and whether the other guardians are told. Here every
endpoint is submitted once with valid input, as the person it is for would fill it in: a
stale session on a fresh-password route gets 401 and nothing is written; then (with the
password typed) it succeeds, writes exactly the declared audit action and, where declared, a
notification for another guardian of the family.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from supervisor import clock as app_clock
from supervisor import tokens
from supervisor.extensions import db
from supervisor.mail import unsubscribe
from supervisor.mail.topics import Topic
from supervisor.models import (
    AuditEvent,
    CheckInSchedule,
    ChecklistTick,
    Child,
    Family,
    Guardian,
    Invite,
    Notification,
    OneTimeLink,
    RuleChange,
    Track,
)
from supervisor.stages import STAGES
from supervisor.stages.base import StageKey
from supervisor.web.authority import RULES, Proof
from tests.conftest import PASSWORD, FakeClock, pass_all_lessons, snapshot, text, weekly_schedule
from tests.world import (
    ANON,
    CHILD,
    CO_GUARDIAN,
    OWNER,
    WORLD_TIME,
    build_world,
    saved_world,  # noqa: F401 - a fixture
)

INVITE_TOKEN = "a-token-for-this-test"
CONFIRM_TOKEN = "a-confirmation-token-for-this-test"


def _stage(app: Any, ids: dict[str, Any], stage: str, **values: Any) -> None:
    with app.app_context():
        track = db.session.get_one(Track, ids["track_id"])
        track.stage, track.stage_entered_at = stage, WORLD_TIME - timedelta(days=1)
        for name, value in values.items():
            setattr(track, name, value)
        db.session.commit()


def _old_enough(app: Any, ids: dict[str, Any]) -> None:
    """Mo born May 2012: 13 at the world's time, old enough for Instagram's permit."""
    with app.app_context():
        db.session.get_one(Child, ids["child_id"]).birth_year = 2012
        db.session.commit()


def _ready_to_ask(app: Any, ids: dict[str, Any]) -> None:
    _old_enough(app, ids)
    pass_all_lessons(app, ids["child_id"])
    with app.app_context():
        track = db.session.get_one(Track, ids["track_id"])
        for requirement in STAGES[StageKey.INSTRUCTION].requirements:
            if requirement.kind == "checklist":
                for key, _label in requirement.params["items"]:
                    db.session.add(
                        ChecklistTick(track_id=track.id, item=key, family_id=track.family_id)
                    )
        db.session.commit()


def _confirm_link(app: Any, ids: dict[str, Any]) -> None:
    with app.app_context():
        db.session.add(
            OneTimeLink(
                guardian_id=ids["guardian_id"],
                purpose="confirm",
                email=db.session.get_one(Guardian, ids["guardian_id"]).email,
                token_hash=tokens.digest(CONFIRM_TOKEN),
                created_at=WORLD_TIME,
                expires_at=WORLD_TIME + timedelta(days=7),
            )
        )
        db.session.commit()
    ids["token"] = CONFIRM_TOKEN


def _two_languages(app: Any, ids: dict[str, Any]) -> None:
    """A second language is offered (the ``app`` fixture puts the config back)."""
    app.config["LANGUAGES"] = ("en", "es")


def _unconfirmed(app: Any, ids: dict[str, Any]) -> None:
    """The owner's address is not confirmed, and the last link went out long ago."""
    with app.app_context():
        db.session.get_one(Guardian, ids["guardian_id"]).email_confirmed_at = None
        db.session.execute(
            sa.update(OneTimeLink).values(created_at=WORLD_TIME - timedelta(hours=1))
        )
        db.session.commit()


def _invite(app: Any, ids: dict[str, Any]) -> None:
    with app.app_context():
        family_id = db.session.get_one(Child, ids["child_id"]).family_id
        db.session.add(
            Invite(
                family_id=family_id,
                token_hash=tokens.digest(INVITE_TOKEN),
                created_by_id=ids["guardian_id"],
                created_at=WORLD_TIME,
                expires_at=WORLD_TIME + timedelta(days=3),
            )
        )
        db.session.commit()
    ids["token"] = INVITE_TOKEN


RESET_TOKEN = "a-reset-token-for-the-owner"


def _reset_link(app: Any, ids: dict[str, Any]) -> None:
    with app.app_context():
        db.session.add(
            OneTimeLink(
                guardian_id=ids["guardian_id"],
                purpose="reset",
                email="ada@example.org",
                token_hash=tokens.digest(RESET_TOKEN),
                created_at=WORLD_TIME,
                expires_at=WORLD_TIME + timedelta(minutes=30),
            )
        )
        db.session.commit()
    ids["token"] = RESET_TOKEN


def _held_loosening(app: Any, ids: dict[str, Any]) -> None:
    with app.app_context():
        family = db.session.get_one(Family, db.session.get_one(Child, ids["child_id"]).family_id)
        family.both_guardians_sign = True
        change = RuleChange(
            family_id=family.id,
            proposed_by_id=ids["guardian_id"],
            proposed_at=WORLD_TIME,
            changes={"both_guardians_sign": False},
            previous={"both_guardians_sign": True},
        )
        db.session.add(change)
        db.session.commit()
        ids["change_id"] = change.id


def _agreed_schedule(app: Any, ids: dict[str, Any], child_agreed: bool = True) -> None:
    _stage(app, ids, "permit")
    with app.app_context():
        track = db.session.get_one(Track, ids["track_id"])
        db.session.add(
            CheckInSchedule(
                family_id=track.family_id,
                track_id=track.id,
                plan=1,
                frequency="weekly",
                every_days=0,
                weekday=0,
                at_time="18:00",
                minutes=20,
                effective_from=date(2026, 2, 2),
                created_at=datetime(2026, 2, 1, tzinfo=WORLD_TIME.tzinfo),
                guardian_agreed_at=datetime(2026, 2, 1, tzinfo=WORLD_TIME.tzinfo),
                child_agreed_at=datetime(2026, 2, 1, tzinfo=WORLD_TIME.tzinfo)
                if child_agreed
                else None,
            )
        )
        db.session.commit()


def _third_guardian(app: Any, ids: dict[str, Any]) -> None:
    """Cy joined before anything was asked: under two keys, the one who may approve."""
    with app.app_context():
        family_id = db.session.get_one(Child, ids["child_id"]).family_id
        db.session.add(
            Guardian(
                family_id=family_id,
                name="Cy",
                email="cy@example.org",
                password_hash="!",
                created_at=WORLD_TIME - timedelta(days=1),
            )
        )
        db.session.commit()


def _lesson_finished(app: Any, ids: dict[str, Any]) -> None:
    pass_all_lessons(app, ids["child_id"])


def _unsubscribe_token(app: Any, ids: dict[str, Any]) -> None:
    with app.test_request_context():
        ids["token"] = unsubscribe.token(ids["guardian_id"], Topic.REFLECTION)


Prepare = Callable[[Any, dict[str, Any]], None]
NEW_PASSWORD = "a brand new sentence of mine"


@dataclass(frozen=True)
class Case:
    """Who submits an endpoint, with which valid input, and what success looks like."""

    actor: str
    data: dict[str, Any] = field(default_factory=dict)
    status: int = 302
    prepare: Prepare | None = None


GUARDIAN_JOINS = {"name": "Kit", "email": "kit@example.org", "password": PASSWORD}
CASES: dict[str, Case] = {
    "auth.signup": Case(
        ANON,
        {
            "name": "Ann",
            "family_name": "The Annings",
            "country": "NZ",
            "timezone": "Pacific/Chatham",
            "email": "ann@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    ),
    "auth.login": Case(ANON, {"email": "ada@example.org", "password": PASSWORD}),
    "auth.logout": Case(OWNER),
    "auth.forgot_password": Case(ANON, {"email": "ada@example.org"}, status=200),
    "auth.reset_password": Case(
        ANON, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, prepare=_reset_link
    ),
    "auth.join_family": Case(ANON, {**GUARDIAN_JOINS, "confirm": PASSWORD}, prepare=_invite),
    "auth.account": Case(
        OWNER, {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    ),
    "family.settings": Case(OWNER, {"country": "FR", "timezone": "Europe/Paris"}),
    "family.approve_change": Case(CO_GUARDIAN, prepare=_held_loosening),
    "family.drop_change": Case(CO_GUARDIAN, prepare=_held_loosening),
    "family.create_invite": Case(OWNER, status=200),
    "family.revoke_invite": Case(OWNER),
    "family.add_child": Case(
        OWNER,
        {
            "display_name": "Ola",
            "avatar": "panda",
            "colour": "leaf",
            "birth_year": "2015",
            "birth_month": "2",
        },
    ),
    "family.edit_child": Case(OWNER, {"display_name": "Morgan", "avatar": "owl", "colour": "sky"}),
    "family.birth_date": Case(
        OWNER, {"birth_year": "2014", "birth_month": "6", "reason": "June, not May."}
    ),
    "family.delete_child": Case(OWNER, {"name": "Mo"}),
    "family.set_pin": Case(OWNER, {"pin": "5937", "confirm": "5937"}),
    "family.unlock_profile": Case(OWNER),
    "family.export_data": Case(OWNER, status=200),
    "family.delete_family": Case(OWNER, {"name": "The Lovelaces"}),
    "family.read_notifications": Case(OWNER),
    "devices.index": Case(OWNER, {"name": "Hall tablet"}),
    "devices.revoke": Case(OWNER),
    "calendar.new_link": Case(OWNER, status=200),
    "calendar.revoke": Case(OWNER),
    "tracks.sign_off": Case(
        OWNER, {"from_stage": "instruction", "override_reason": "Ready."}, prepare=_old_enough
    ),
    "tracks.step_back": Case(
        OWNER,
        {"from_stage": "permit", "reason": "We rushed it."},
        prepare=lambda app, ids: _stage(app, ids, "permit"),
    ),
    "tracks.add": Case(OWNER, {"platform": "youtube"}),
    "tracks.tick": Case(OWNER, {"item": "network_chosen", "ticked": "y"}),
    "tracks.add_checklist_item": Case(OWNER, {"label": "Phones off at dinner"}),
    "tracks.refresher": Case(
        OWNER, {"on": "y"}, prepare=lambda app, ids: _stage(app, ids, "licence")
    ),
    "tracks.decline": Case(
        OWNER,
        {"reason": "Let's finish the walkthrough first."},
        prepare=lambda app, ids: _stage(app, ids, "instruction", requested_at=WORLD_TIME),
    ),
    "family_lessons.discussed": Case(OWNER, {"ticked": "y"}),
    "family_lessons.prompt_bank": Case(
        OWNER, {"text": "Who sees your stories?", "stage": "permit", "topic": "time"}
    ),
    "permit.walkthrough": Case(OWNER, prepare=lambda app, ids: _stage(app, ids, "permit")),
    "permit.walkthrough_step": Case(
        OWNER, {"outcome": "done"}, prepare=lambda app, ids: _stage(app, ids, "permit")
    ),
    "permit.monitoring": Case(
        OWNER, {"arrangement": "follow"}, prepare=lambda app, ids: _stage(app, ids, "permit")
    ),
    "permit.checkin_schedule": Case(
        OWNER,
        weekly_schedule(date(2026, 3, 9)),
        prepare=lambda app, ids: _stage(app, ids, "permit"),
    ),
    "permit.record_checkin": Case(
        OWNER, {"due_on": "2026-02-23", "held": "held"}, prepare=_agreed_schedule
    ),
    "permit.checkin_together": Case(
        OWNER,
        {"due_on": "2026-02-23", "held": "held", "confirmation": "unconfirmed"},
        prepare=_agreed_schedule,
    ),
    "permit.add_moment": Case(
        OWNER, {"kind": "overshared", "what_happened": "Posted the school's name.", "lesson": ""}
    ),
    "permit.correct_checkin": Case(
        OWNER,
        {
            "held": "skipped",
            "shared_notes": "We moved it to next week.",
            "reason": "It was recorded by mistake.",
            "version": "1",
        },
        prepare=lambda app, ids: _stage(app, ids, "permit"),
    ),
    "permit.withdraw_moment": Case(OWNER, {"reason": "Logged on the wrong child.", "version": "1"}),
    "tablet.unlock_child": Case(CHILD, {"pin": "4826"}),
    "tablet.unlock_guardian": Case(CHILD, {"password": PASSWORD}),
    "child.request_sign_off": Case(CHILD, {"note": "I know what to share."}, prepare=_ready_to_ask),
    "child.agree_schedule": Case(
        CHILD,
        {"agree": "y", "terms": "plan-1"},
        prepare=lambda app, ids: _agreed_schedule(app, ids, child_agreed=False),
    ),
    "child.agree_arrangement": Case(
        CHILD,
        {"agree": "y", "terms": "follow"},
        prepare=lambda app, ids: _stage(app, ids, "permit", monitoring="follow"),
    ),
    "child.choose_connections": Case(
        CHILD, {"connection": "monthly_chat"}, prepare=lambda app, ids: _stage(app, ids, "licence")
    ),
    "child.reflect": Case(CHILD, {"reflection": "I'll put it down at nine."}),
    "child.checkin_note": Case(
        CHILD,
        {"note": "I liked that we talked.", "version": "new"},
        prepare=lambda app, ids: _stage(app, ids, "permit"),
    ),
    "lessons.page": Case(CHILD),
    "lessons.retake": Case(CHILD, prepare=_lesson_finished),
    # Corrections (valid input; their visible effects are proven in tests/test_corrections.py).
    "auth.mail_choices": Case(OWNER, {"topics": ["reflection"]}),
    "auth.language": Case(OWNER, {"language": "es"}, prepare=_two_languages),
    "mail_choices.unsubscribe_post": Case(ANON, status=200, prepare=_unsubscribe_token),
    "auth.details": Case(OWNER, {"name": "Ada Byron", "email": "ada.byron@example.org"}),
    "auth.confirm_address": Case(ANON, prepare=_confirm_link),
    "auth.resend_confirmation": Case(OWNER, prepare=_unconfirmed),
    "family.rename": Case(OWNER, {"name": "The Byrons"}),
    "guardians.leave": Case(CO_GUARDIAN, {"confirm": "y"}),
    # Two keys: Bea asks, and Cy (neither the asker nor the one removed) is told to decide.
    "guardians.remove": Case(CO_GUARDIAN, {"confirm": "y"}, prepare=_third_guardian),
    "family_words.edit_item": Case(OWNER, {"label": "A monthly chat about it"}),
    "family_words.remove_item": Case(OWNER, {"reason": "We do this anyway."}),
    "family_words.edit_prompt": Case(OWNER, {"text": "What would you do now?"}),
    "family_words.remove_prompt": Case(OWNER, {"reason": "Too vague."}),
    "tracks.remove": Case(OWNER, {"reason": "Started by mistake: Mo meant YouTube."}),
}


def post_endpoints(app: Any) -> set[str]:
    return {r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}


def test_every_post_endpoint_has_a_rule_and_a_case(app):
    """Target 22: a new state-changing route cannot be added without deciding its authority."""
    assert post_endpoints(app) == set(RULES)
    assert set(CASES) == set(RULES)


def test_the_rules_ask_a_fresh_password_wherever_the_issue_says():
    """Granting authority, changing a stage, a birth date or a loosening rule, exporting, the
    calendar link, tablets, and every deletion: a fresh password (or the form's own)."""
    fresh = {e for e, r in RULES.items() if r.proof is Proof.FRESH}
    assert {
        "family.create_invite", "family.revoke_invite", "family.birth_date", "family.settings",
        "family.approve_change", "family.export_data", "calendar.new_link", "devices.index",
        "devices.revoke", "calendar.revoke", "family.delete_child", "family.delete_family",
        "tracks.sign_off", "tracks.step_back", "auth.details", "guardians.leave",
        "guardians.remove", "family_words.edit_item", "family_words.remove_item",
        "tracks.remove",
    } <= fresh  # fmt: skip
    assert RULES["auth.account"].proof is Proof.OWN


def _added(before: dict[str, list], after: dict[str, list], table: Any) -> list[dict[str, Any]]:
    """Rows of ``table`` that are new (by id: a deletion may update older ones)."""
    columns = [c.name for c in table.columns]
    old = {row[0] for row in before[table.name]}
    rows = [dict(zip(columns, row, strict=True)) for row in after[table.name]]
    return [row for row in rows if row["id"] not in old]


def _audit_actions(before: dict[str, list], after: dict[str, list]) -> list[str]:
    return sorted(row["action"] for row in _added(before, after, AuditEvent.__table__))


def _new_notifications(before: dict[str, list], after: dict[str, list]) -> list[int]:
    return [row["guardian_id"] for row in _added(before, after, Notification.__table__)]


def _actor_guardian_id(app: Any, actor: str) -> int | None:
    emails = {OWNER: "ada@example.org", CO_GUARDIAN: "bea@example.org"}
    if actor not in emails:
        return None
    with app.app_context():
        return db.session.scalars(
            sa.select(Guardian.id).where(Guardian.email == emails[actor])
        ).one()


@pytest.mark.parametrize("endpoint", sorted(RULES))
def test_each_route_keeps_its_declared_rule(app, saved_world, endpoint):  # noqa: F811
    rule, case = RULES[endpoint], CASES[endpoint]
    moving = FakeClock(WORLD_TIME)
    app_clock.set_source(moving)
    try:
        world = build_world(app, case.actor, saved_world)
        world.ids = dict(world.ids)
        if case.prepare:
            case.prepare(app, world.ids)
        url = world.url(app, endpoint)
        token = world.client.csrf_token()
        data = {"csrf_token": token, **case.data}
        expected_audit = [rule.audit] if rule.audit else []
        if rule.proof is Proof.FRESH:
            moving.advance(minutes=6)  # the password was typed at sign-in, six minutes ago
            before = snapshot(app)
            stale = world.client.post(url, data=data)
            assert stale.status_code == 401, text(stale)[:1000]
            assert "Confirm it" in text(stale)
            assert snapshot(app) == before  # target 3: nothing written
            data["reauth_password"] = PASSWORD
            if endpoint != "family.delete_family":  # its step-up row goes with the family
                expected_audit = sorted([*expected_audit, "step_up"])
        actor_id = _actor_guardian_id(app, case.actor)
        before = snapshot(app)
        response = world.client.post(url, data=data)
        assert response.status_code == case.status, text(response)[:2000]
        after = snapshot(app)
        assert _audit_actions(before, after) == expected_audit
        told = _new_notifications(before, after)
        assert actor_id is None or actor_id not in told, f"{endpoint} told its own actor"
        if rule.notify:
            assert [g for g in told if g != actor_id], f"{endpoint} told no other guardian"
    finally:
        app_clock.set_source(None)
