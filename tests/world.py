"""The world the route tests share: a family with two guardians (Ada and Bea), two children
(Mo and Zoe) with PINs on the family tablet, a track, an invite, a check-in, a learning moment,
a walkthrough run, a held change and the family's own words; and a guardian of another family
(Eve). ``ROUTES`` lists every endpoint of the app with the status each actor gets for each
method in that world.

The world is built once per module through the pages (``saved_world``) and put into each test's
fresh database as one actor sees it (``build_world``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from supervisor import clock as app_clock
from supervisor.content.walkthroughs import for_platform
from supervisor.db import metadata
from supervisor.extensions import db
from supervisor.models import (
    CheckIn,
    Child,
    Device,
    FamilyChecklistItem,
    FamilyPrompt,
    Guardian,
    Invite,
    LearningMoment,
    RuleChange,
    Track,
    WalkthroughRun,
)
from tests.conftest import PASSWORD, Auth, Client, emptied, text

ANON = "anonymous"
OWNER = "guardian"
CO_GUARDIAN = "second guardian of the family"
OUTSIDER = "other family's guardian"
CHILD = "child on the family tablet"
SIBLING = "the child's sibling on the family tablet"
ACTORS = (ANON, OWNER, CO_GUARDIAN, OUTSIDER, CHILD, SIBLING)

SIGNIN = "signin"  # a redirect to the sign-in page
G = {"GET"}

# endpoint -> method -> expected status for (ANON, OWNER, CO_GUARDIAN, OUTSIDER, CHILD, SIBLING).
# Every id in a URL belongs to the owner's family and its child (Mo), so the outsider must get
# 404 wherever an id appears; both children must get 403 on every guardian page, and the
# sibling (Zoe) 404 on Mo's own track pages.
# A mail client's one-click unsubscribe (RFC 8058) carries no CSRF token; its signed URL is
# the proof (tests/test_notice_mail.py).
CSRF_EXEMPT = {"mail_choices.unsubscribe_post"}
ROUTES: dict[str, dict[str, tuple[int | str, ...]]] = {
    "auth.index": {"GET": (200, 302, 302, 302, 302, 302)},
    "auth.signup": {"GET": (200, 200, 200, 200, 403, 403), "POST": (200, 200, 200, 200, 403, 403)},
    "auth.login": {"GET": (200, 200, 200, 200, 403, 403), "POST": (200, 200, 200, 200, 403, 403)},
    "auth.logout": {"POST": (302, 302, 302, 302, 302, 302)},
    "auth.forgot_password": {
        "GET": (200, 200, 200, 200, 403, 403),
        "POST": (200, 200, 200, 200, 403, 403),
    },
    "auth.reset_password": {  # a made-up token: the link does not work
        "GET": (410, 410, 410, 410, 403, 403),
        "POST": (410, 410, 410, 410, 403, 403),
    },
    "auth.join_family": {
        "GET": (410, 410, 410, 410, 403, 403),
        "POST": (410, 410, 410, 410, 403, 403),
    },
    "auth.account": {
        "GET": (SIGNIN, 200, 200, 200, 403, 403),
        "POST": (SIGNIN, 200, 200, 200, 403, 403),
    },
    "family.home": {"GET": (SIGNIN, 200, 200, 200, 403, 403)},
    "family.add_child": {
        "GET": (SIGNIN, 200, 200, 200, 403, 403),
        "POST": (SIGNIN, 200, 200, 200, 403, 403),
    },
    "family.edit_child": {
        "GET": (SIGNIN, 200, 200, 404, 403, 403),
        "POST": (SIGNIN, 200, 200, 404, 403, 403),
    },
    "family.delete_child": {
        "GET": (SIGNIN, 200, 200, 404, 403, 403),
        "POST": (SIGNIN, 200, 200, 404, 403, 403),
    },
    "family.birth_date": {
        "GET": (SIGNIN, 200, 200, 404, 403, 403),
        "POST": (SIGNIN, 200, 200, 404, 403, 403),
    },
    "family.approve_change": {"POST": (SIGNIN, 409, 302, 404, 403, 403)},
    "family.drop_change": {"POST": (SIGNIN, 302, 302, 404, 403, 403)},
    "family.export_data": {"POST": (SIGNIN, 200, 200, 200, 403, 403)},
    "family.delete_family": {
        "GET": (SIGNIN, 200, 200, 200, 403, 403),
        "POST": (SIGNIN, 200, 200, 200, 403, 403),
    },
    "family.set_pin": {
        "GET": (SIGNIN, 200, 200, 404, 403, 403),
        "POST": (SIGNIN, 200, 200, 404, 403, 403),
    },
    "family.unlock_profile": {"POST": (SIGNIN, 302, 302, 404, 403, 403)},
    "family.create_invite": {"POST": (SIGNIN, 200, 200, 200, 403, 403)},
    "family.revoke_invite": {"POST": (SIGNIN, 302, 302, 404, 403, 403)},
    "devices.index": {
        "GET": (SIGNIN, 200, 200, 200, 403, 403),
        "POST": (SIGNIN, 302, 302, 302, 403, 403),
    },
    "devices.revoke": {"POST": (SIGNIN, 302, 302, 404, 403, 403)},
    "tablet.picker": {"GET": (302, 302, 302, 302, 200, 200)},
    "tablet.unlock_child": {
        "GET": (401, 401, 401, 401, 200, 200),
        "POST": (401, 401, 401, 401, 200, 200),
    },
    "tablet.unlock_guardian": {
        "GET": (302, 302, 302, 302, 200, 200),
        "POST": (302, 302, 302, 302, 200, 200),
    },
    "child.home": {"GET": (SIGNIN, 403, 403, 403, 200, 200)},
    "child.looked": {"GET": (SIGNIN, 403, 403, 403, 200, 200)},
    "family.who_looked": {"GET": (SIGNIN, 200, 200, 404, 403, 403)},
    "family.settings": {
        "GET": (SIGNIN, 200, 200, 200, 403, 403),
        "POST": (SIGNIN, 302, 302, 302, 403, 403),
    },
    "family.read_notifications": {"POST": (SIGNIN, 302, 302, 302, 403, 403)},
    "tracks.add": {
        "GET": (SIGNIN, 200, 200, 404, 403, 403),
        "POST": (SIGNIN, 200, 200, 404, 403, 403),
    },
    "tracks.show": {"GET": (SIGNIN, 200, 200, 404, 403, 403)},
    "tracks.tick": {"POST": (SIGNIN, 400, 400, 404, 403, 403)},
    "tracks.sign_off": {"POST": (SIGNIN, 400, 400, 404, 403, 403)},
    "tracks.step_back": {"POST": (SIGNIN, 400, 400, 404, 403, 403)},
    "tracks.decline": {"POST": (SIGNIN, 400, 400, 404, 403, 403)},
    "child.track": {"GET": (SIGNIN, 403, 403, 403, 200, 404)},
    "child.request_sign_off": {"POST": (SIGNIN, 403, 403, 403, 400, 404)},
    "tracks.add_checklist_item": {"POST": (SIGNIN, 400, 400, 404, 403, 403)},
    "lessons.index": {"GET": (SIGNIN, 403, 403, 403, 200, 200)},
    "lessons.resume": {"GET": (SIGNIN, 403, 403, 403, 302, 302)},
    "lessons.page": {
        "GET": (SIGNIN, 403, 403, 403, 200, 200),
        "POST": (SIGNIN, 403, 403, 403, 302, 302),
    },
    "lessons.retake": {"POST": (SIGNIN, 403, 403, 403, 404, 404)},
    "family_lessons.child_lessons": {"GET": (SIGNIN, 200, 200, 404, 403, 403)},
    "family_lessons.discussed": {"POST": (SIGNIN, 302, 302, 404, 403, 403)},
    "permit.walkthrough": {  # the track is at instruction: the walkthrough opens at the permit
        "GET": (SIGNIN, 409, 409, 404, 403, 403),
        "POST": (SIGNIN, 409, 409, 404, 403, 403),
    },
    "permit.walkthrough_step": {  # the track is at instruction: the walkthrough opens at the permit
        "GET": (SIGNIN, 409, 409, 404, 403, 403),
        "POST": (SIGNIN, 409, 409, 404, 403, 403),
    },
    "permit.monitoring": {  # the track is at instruction: permit pages say so
        "GET": (SIGNIN, 409, 409, 404, 403, 403),
        "POST": (SIGNIN, 409, 409, 404, 403, 403),
    },
    "permit.checkin_schedule": {  # the track is at instruction: permit pages say so
        "GET": (SIGNIN, 409, 409, 404, 403, 403),
        "POST": (SIGNIN, 409, 409, 404, 403, 403),
    },
    "permit.record_checkin": {  # the track is at instruction: permit pages say so
        "GET": (SIGNIN, 409, 409, 404, 403, 403),
        "POST": (SIGNIN, 409, 409, 404, 403, 403),
    },
    "permit.checkin_together": {  # the track is at instruction: permit pages say so
        "GET": (SIGNIN, 409, 409, 404, 403, 403),
        "POST": (SIGNIN, 409, 409, 404, 403, 403),
    },
    "permit.add_moment": {
        "GET": (SIGNIN, 200, 200, 404, 403, 403),
        "POST": (SIGNIN, 200, 200, 404, 403, 403),
    },
    "permit.correct_checkin": {  # at instruction too: a permit's records change in it alone
        "GET": (SIGNIN, 409, 409, 404, 403, 403),
        "POST": (SIGNIN, 409, 409, 404, 403, 403),
    },
    "permit.withdraw_moment": {
        "GET": (SIGNIN, 200, 200, 404, 403, 403),
        "POST": (SIGNIN, 200, 200, 404, 403, 403),
    },
    "permit.agreement": {"GET": (SIGNIN, 200, 200, 404, 403, 403)},
    "child.agreement": {"GET": (SIGNIN, 403, 403, 403, 200, 404)},
    "child.card": {"GET": (SIGNIN, 403, 403, 403, 200, 200)},
    "tracks.card": {"GET": (SIGNIN, 200, 200, 404, 403, 403)},
    "child.agree_arrangement": {"POST": (SIGNIN, 403, 403, 403, 302, 404)},
    "child.choose_connections": {"POST": (SIGNIN, 403, 403, 403, 302, 404)},
    "tracks.refresher": {"POST": (SIGNIN, 302, 302, 404, 403, 403)},
    "calendar.feed": {"GET": (404, 404, 404, 404, 404, 404)},
    "calendar.new_link": {"POST": (SIGNIN, 200, 200, 200, 403, 403)},
    "calendar.revoke": {"POST": (SIGNIN, 302, 302, 302, 403, 403)},
    "child.agree_schedule": {"POST": (SIGNIN, 403, 403, 403, 302, 404)},
    "child.reflect": {"POST": (SIGNIN, 403, 403, 403, 400, 404)},
    # Mo's own check-in, but the track is at instruction: notes belong to the permit.
    "child.checkin_note": {"POST": (SIGNIN, 403, 403, 403, 409, 404)},
    "health.health": {"GET": (200, 200, 200, 200, 200, 200)},
    "installable.manifest": {"GET": (200, 200, 200, 200, 200, 200)},
    "installable.service_worker": {"GET": (200, 200, 200, 200, 200, 200)},
    "installable.offline": {"GET": (200, 200, 200, 200, 200, 200)},
    "auth.mail_choices": {"POST": (SIGNIN, 302, 302, 302, 403, 403)},
    "auth.language": {"POST": (SIGNIN, 302, 302, 302, 403, 403)},
    # A made-up token names no one: 404 for anyone but a child's session.
    "mail_choices.unsubscribe": {"GET": (404, 404, 404, 404, 403, 403)},
    "mail_choices.unsubscribe_post": {"POST": (404, 404, 404, 404, 403, 403)},
    "family_lessons.prompt_bank": {
        "GET": (SIGNIN, 200, 200, 200, 403, 403),
        "POST": (SIGNIN, 200, 200, 200, 403, 403),
    },
    # Corrections: an empty form is refused with its message; nothing is changed.
    "auth.details": {"POST": (SIGNIN, 400, 400, 400, 403, 403)},
    # An unknown link: the page says at once that it does not work (no button); the POST
    # says why and sends one on.
    "auth.confirm_address": {
        "GET": (410, 410, 410, 410, 403, 403),
        "POST": (302, 302, 302, 302, 403, 403),
    },
    "auth.resend_confirmation": {"POST": (SIGNIN, 302, 302, 302, 403, 403)},
    "family.rename": {"POST": (SIGNIN, 400, 400, 400, 403, 403)},
    "guardians.index": {"GET": (SIGNIN, 200, 200, 200, 403, 403)},
    "guardians.leave": {"POST": (SIGNIN, 400, 400, 409, 403, 403)},  # Eve is her only one
    "guardians.remove": {"POST": (SIGNIN, 400, 400, 404, 403, 403)},
    "family_words.index": {"GET": (SIGNIN, 200, 200, 200, 403, 403)},
    "family_words.edit_item": {  # a form without the field keeps the wording: nothing changes
        "GET": (SIGNIN, 200, 200, 404, 403, 403),
        "POST": (SIGNIN, 302, 302, 404, 403, 403),
    },
    "family_words.remove_item": {"POST": (SIGNIN, 400, 400, 404, 403, 403)},
    "family_words.edit_prompt": {
        "GET": (SIGNIN, 200, 200, 404, 403, 403),
        "POST": (SIGNIN, 302, 302, 404, 403, 403),
    },
    "family_words.remove_prompt": {"POST": (SIGNIN, 400, 400, 404, 403, 403)},
    "tracks.remove": {"POST": (SIGNIN, 400, 400, 404, 403, 403)},
    "child_help.index": {"GET": (SIGNIN, 403, 403, 403, 200, 200)},
    "family_help.index": {"GET": (SIGNIN, 200, 200, 200, 403, 403)},
}

WORLD_TIME = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
COOKIES = ("__Host-session", "__Host-device")


@dataclass
class World:
    """Two families: the owner's (children, an invite, a tablet) and an outsider's."""

    client: Client
    ids: dict[str, int | str]

    def url(self, app, endpoint: str) -> str:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        return rule.build({k: v for k, v in self.ids.items() if k in rule.arguments})[1]


@dataclass
class SavedWorld:
    """The world's rows and each actor's cookies, built once and restored for every case."""

    rows: dict[str, list[dict[str, object]]]
    cookies: dict[str, dict[str, str]]
    ids: dict[str, int | str]


def _build(app) -> SavedWorld:
    tablet = Auth(app.test_client())
    tablet.signup()
    for name in ("Mo", "Zoe"):
        tablet.client.submit(
            "/family/children/new",
            data={
                "display_name": name,
                "avatar": "fox",
                "colour": "sky",
                "birth_year": "2014",
                "birth_month": "5",
            },
        )
    with app.app_context():
        mo, zoe = db.session.scalars(sa.select(Child.id).order_by(Child.id)).all()
    for child_id in (mo, zoe):
        tablet.client.submit(
            f"/family/children/{child_id}/pin", data={"pin": "4826", "confirm": "4826"}
        )
    tablet.client.submit(f"/family/children/{mo}/tracks/new", data={"platform": "instagram"})
    with app.app_context():
        track_id = db.session.scalars(sa.select(Track.id)).one()
    with app.app_context():  # a run kept from an earlier permit the track stepped back from
        family_id = db.session.scalars(sa.select(Track.family_id)).one()
        db.session.add(
            WalkthroughRun(
                family_id=family_id, track_id=track_id, walkthrough=for_platform("instagram").key
            )
        )
        db.session.commit()
    tablet.client.submit(
        f"/family/tracks/{track_id}/moments/new",
        data={"kind": "too_long", "what_happened": "Scrolled until midnight.", "lesson": ""},
    )
    link = text(tablet.client.submit("/family/invites")).split('readonly value="')[1].split('"')[0]
    co_guardian = app.test_client()
    joined = co_guardian.submit(
        urlsplit(link).path,
        data={"name": "Bea", "email": "bea@example.org", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert joined.status_code == 302, text(joined)
    settings = {"country": "GB", "timezone": "Europe/London"}
    tablet.client.submit("/family/settings", data={**settings, "both_guardians_sign": "y"})
    tablet.client.submit("/family/settings", data=settings)  # waits for Bea's approval
    tablet.client.submit("/family/invites")
    tablet.client.submit("/family/devices/", data={"name": "Kitchen tablet"})
    assert tablet.client.submit(f"/who/child/{mo}", data={"pin": "4826"}).status_code == 302
    sibling = app.test_client()
    sibling.set_cookie("__Host-device", tablet.client.get_cookie("__Host-device").value)
    assert sibling.submit(f"/who/child/{zoe}", data={"pin": "4826"}).status_code == 302
    with app.app_context():  # the family's own words, at a stage no track of the world is at
        family_id = db.session.scalars(sa.select(Child.family_id)).first()
        db.session.add(FamilyChecklistItem(family_id=family_id, stage="licence", label="Chat"))
        db.session.add(
            FamilyPrompt(family_id=family_id, stage="licence", topic="time", text="What now?")
        )
        db.session.commit()
    owner, outsider = Auth(app.test_client()), Auth(app.test_client())
    owner.login()
    with app.app_context():  # a check-in recorded earlier, for the correction page
        track = db.session.scalars(sa.select(Track)).one()
        db.session.add(
            CheckIn(
                family_id=track.family_id,
                track_id=track.id,
                due_on=WORLD_TIME.date(),
                held=True,
                recorded_at=WORLD_TIME,
                prompts_used=[],
            )
        )
        db.session.commit()
    outsider.signup(email="eve@example.org", name="Eve", family="The Outsiders")
    with app.app_context():
        ids = {
            "child_id": mo,
            "invite_id": db.session.scalars(
                sa.select(Invite.id).where(Invite.accepted_at.is_(None))
            ).one(),
            "device_id": db.session.scalars(sa.select(Device.id)).one(),
            "guardian_id": db.session.scalars(sa.select(Guardian.id).order_by(Guardian.id)).first(),
            "track_id": db.session.scalars(sa.select(Track.id)).one(),
            "token": "not-a-real-token",
            "key": "01-anything-posted",
            "position": 0,
            "run_id": db.session.scalars(sa.select(WalkthroughRun.id)).one(),
            "step": 0,
            "moment_id": db.session.scalars(sa.select(LearningMoment.id)).one(),
            "checkin_id": db.session.scalars(sa.select(CheckIn.id)).one(),
            "change_id": db.session.scalars(
                sa.select(RuleChange.id).order_by(RuleChange.id)
            ).first(),
            "item_id": db.session.scalars(sa.select(FamilyChecklistItem.id)).one(),
            "prompt_id": db.session.scalars(sa.select(FamilyPrompt.id)).one(),
        }
        rows = {
            t.name: [dict(r._mapping) for r in db.session.execute(sa.select(t))]
            for t in metadata.sorted_tables
        }
    cookies = {
        actor: {name: c.value for name in COOKIES if (c := client.get_cookie(name))}
        for actor, client in (
            (OWNER, owner.client),
            (CO_GUARDIAN, co_guardian),
            (OUTSIDER, outsider.client),
            (CHILD, tablet.client),
            (SIBLING, sibling),
        )
    }
    cookies[ANON] = {}
    return SavedWorld(rows, cookies, ids)


@pytest.fixture(scope="module")
def saved_world(shared_app) -> SavedWorld:
    app_clock.set_source(lambda: WORLD_TIME)
    try:
        return _build(emptied(shared_app))
    finally:
        app_clock.set_source(None)


@pytest.fixture
def frozen_world_time():
    app_clock.set_source(lambda: WORLD_TIME)
    yield
    app_clock.set_source(None)


def build_world(app, actor: str, saved: SavedWorld) -> World:
    """Put the saved world's rows into this test's fresh database, as ``actor`` sees it."""
    with app.app_context():
        for table in metadata.sorted_tables:
            if saved.rows[table.name]:
                db.session.execute(table.insert(), saved.rows[table.name])
        if db.engine.dialect.name == "postgresql":
            for table in metadata.sorted_tables:
                if "id" in table.c and saved.rows[table.name]:
                    db.session.execute(
                        sa.select(
                            sa.func.setval(
                                sa.func.pg_get_serial_sequence(table.name, "id"),
                                sa.select(sa.func.max(table.c.id)).scalar_subquery(),
                            )
                        )
                    )
        db.session.commit()
    client = app.test_client()
    for name, value in saved.cookies[actor].items():
        client.set_cookie(name, value)
    return World(client, saved.ids)
