"""A family's data rights (security target 19): a complete export without secrets or other
families' data, and deletion that leaves nothing behind in any table."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from supervisor.db import metadata
from supervisor.extensions import db
from supervisor.family import data
from supervisor.models import (
    AuditEvent,
    CheckIn,
    Child,
    Family,
    Guardian,
    LoginSession,
    SignupThrottle,
)
from tests.conftest import (
    PASSWORD,
    Auth,
    add_child,
    pass_all_lessons,
    tap_i_agree,
    text,
    weekly_schedule,
)

SECRETS = ("$argon2", "token_hash", "password_hash", "pin_hash")


def rich_family(app, clock, email: str, name: str, family: str, child: str) -> Auth:
    """A family with something in (nearly) every table: children, a tablet, tracks, history,
    lessons, a walkthrough, a schedule, a check-in, a learning moment, notes, an invite used by
    a second guardian, another still open, and a loosened rule waiting for approval."""
    guardian = Auth(app.test_client())
    guardian.signup(email=email, name=name, family=family)
    client = guardian.client
    child_id = add_child(client, child, "4826", birth_year=2012)
    pass_all_lessons(app, child_id)
    track = int(
        client.submit(f"/family/children/{child_id}/tracks/new", data={"platform": "tiktok"})
        .headers["Location"]
        .rsplit("/", 1)[1]
    )
    client.submit(f"/family/tracks/{track}/checklist/new", data={"label": f"{family} rule"})
    client.submit(
        f"/family/tracks/{track}/checklist", data={"item": "network_chosen", "ticked": "y"}
    )
    client.submit(
        f"/family/tracks/{track}/sign-off",
        data={"from_stage": "instruction", "override_reason": "ok"},
    )
    client.submit(f"/family/tracks/{track}/walkthrough")
    client.submit(f"/family/tracks/{track}/walkthrough/1/0", data={"outcome": "done"})
    client.submit(f"/family/tracks/{track}/monitoring", data={"arrangement": "follow"})
    client.submit(
        f"/family/tracks/{track}/moments/new",
        data={"kind": "too_long", "what_happened": f"{child} stayed up late", "lesson": ""},
    )
    client.submit(
        "/family/prompts", data={"text": f"{family} prompt?", "stage": "permit", "topic": "time"}
    )
    own = text(client.get("/family/own/")).split('href="/family/own/prompts/')[1].split('"')[0]
    client.submit(f"/family/own/prompts/{own}", data={"text": f"{family} prompt, reworded?"})
    link = text(client.submit("/family/invites")).split('readonly value="')[1].split('"')[0]
    joined = Auth(app.test_client()).client.submit(
        "/invite/" + link.rsplit("/invite/", 1)[1],
        data={"name": "Second", "email": f"second.{email}", "password": PASSWORD,
              "confirm": PASSWORD},
    )  # fmt: skip
    assert joined.status_code == 302, text(joined)
    settings = {"country": "GB", "timezone": "Europe/London"}
    client.submit("/family/settings", data={**settings, "both_guardians_sign": "y"})
    client.submit("/family/settings", data=settings)  # held for the second guardian
    client.submit("/family/invites")
    client.submit("/family/calendar")
    guardian.logout()
    guardian.login(email=email, password="wrong password!")
    guardian.login(email=email)
    tablet = Auth(app.test_client())
    tablet.login(email=email)
    tablet.client.submit("/family/devices/", data={"name": f"{family} tablet"})
    tablet.client.submit(f"/who/child/{child_id}", data={"pin": "1357"})
    tablet.client.submit(f"/who/child/{child_id}", data={"pin": "4826"})
    tablet.client.submit("/me/lessons/01-anything-posted/0")
    # A check-in is due from the first time after both agreed: today, a minute from now.
    soon = (clock.current + timedelta(minutes=1)).astimezone(ZoneInfo("Europe/London"))
    starts = soon.date()
    client.submit(
        f"/family/tracks/{track}/schedule",
        data=weekly_schedule(starts, at_time=f"{soon:%H:%M}"),
    )
    tap_i_agree(tablet.client, track)
    clock.advance(seconds=61)
    response = client.submit(
        f"/family/tracks/{track}/checkins/new", data={"due_on": starts.isoformat(), "held": "held"}
    )
    assert response.headers.get("Location") == f"/family/tracks/{track}", text(response)
    with app.app_context():
        checkin_id = db.session.scalars(
            sa.select(CheckIn.id).where(CheckIn.track_id == track)
        ).one()
    noted = tablet.client.submit(
        f"/me/checkins/{checkin_id}/note", data={"note": "We talked.", "version": "new"}
    )
    assert noted.status_code == 302, text(noted)
    return guardian


def family_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalars(
            sa.select(Guardian.family_id).where(Guardian.email == email)
        ).one()


def test_export_has_every_table_of_the_family_and_nothing_else(app, clock):
    ours = rich_family(app, clock, "ada@example.org", "Ada", "The Lovelaces", "Mo")
    rich_family(app, clock, "eve@example.org", "Eve", "The Outsiders", "Kim")
    response = ours.client.submit("/family/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    exported = json.loads(response.data)
    assert exported["format"] == "supervisor-family-export" and exported["version"] == 1
    tables = exported["tables"]
    assert set(tables) == {t.name for t in metadata.sorted_tables}
    ours_id = family_id(app, "ada@example.org")
    with app.app_context():
        for table in metadata.sorted_tables:
            if "family_id" in table.c:
                rows = table.c.family_id == ours_id
                if table.name == "page_view":  # the export's own look is counted after it
                    rows &= table.c.page != "export"
                count = db.session.scalar(sa.select(sa.func.count()).select_from(table).where(rows))
                assert len(tables[table.name]) == count, table.name
                assert count > 0 or table.name in {
                    "login_session",
                    "notification",
                    "outbox_message",
                    "page_view",
                    "sent_reminder",
                }, table.name
    dumped = response.get_data(as_text=True)
    for foreign in ("Outsiders", "eve@example.org", "Kim stayed up", "Kim"):
        assert foreign not in dumped
    for secret in SECRETS:
        assert secret not in dumped
    assert tables["family"][0]["name"] == "The Lovelaces"
    assert tables["pin_attempts"] and tables["login_throttle"] == []  # cleared at success
    # the sign-up counts of the family's own addresses, never a client address or another's
    assert sorted((r["scope"], r["address"]) for r in tables["signup_throttle"]) == [
        ("email", "ada@example.org"),
        ("email", "second.ada@example.org"),
    ]
    with app.app_context():
        assert db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.action == "export")
        ).one()


def test_deleting_the_family_leaves_no_row_behind(app, clock):
    ours = rich_family(app, clock, "ada@example.org", "Ada", "The Lovelaces", "Mo")
    theirs = rich_family(app, clock, "eve@example.org", "Eve", "The Outsiders", "Kim")
    ours_id, theirs_id = family_id(app, "ada@example.org"), family_id(app, "eve@example.org")
    with app.app_context():
        before_theirs = {
            t.name: len(data.export(theirs_id)["tables"][t.name]) for t in metadata.sorted_tables
        }
        our_children = set(
            db.session.scalars(sa.select(Child.id).where(Child.family_id == ours_id))
        )
    page = text(ours.client.get("/family/delete"))
    assert "Delete The Lovelaces" in page
    wrong = ours.client.submit("/family/delete", data={"name": "The Lovelace"})
    assert "Type the family&#39;s name exactly" in text(wrong)
    assert ours.client.submit("/family/delete", data={"name": "The Lovelaces"}).status_code == 302
    assert ours.client.get("/family/").status_code == 302  # signed out
    assert ours.login(email="ada@example.org").status_code == 200  # the account is gone
    with app.app_context():
        assert db.session.get(Family, ours_id) is None
        assert sorted(db.session.scalars(sa.select(SignupThrottle.address))) == [
            "127.0.0.1",  # the client's count is no family's
            "eve@example.org",
            "second.eve@example.org",
        ]
        for table in metadata.sorted_tables:
            for column in ("family_id", "child_id"):
                if column in table.c:
                    values = {ours_id} if column == "family_id" else our_children
                    left = db.session.scalar(
                        sa.select(sa.func.count())
                        .select_from(table)
                        .where(table.c[column].in_(values))
                    )
                    assert left == 0, (table.name, column)
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(LoginSession)
                .where(LoginSession.family_id == ours_id)
            )
            == 0
        )
        after_theirs = {
            t.name: len(data.export(theirs_id)["tables"][t.name]) for t in metadata.sorted_tables
        }
        deleted = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "family_delete")
        ).one()
        assert deleted.subject == f"family:{ours_id}" and deleted.family_id is None
    after_theirs["audit_event"] = before_theirs["audit_event"]  # the login below adds one
    assert after_theirs == before_theirs
    assert theirs.client.get("/family/").status_code == 200


def test_family_deletion_needs_a_fresh_password(app, clock):
    guardian = Auth(app.test_client())
    guardian.signup()
    clock.advance(minutes=4)
    guardian.client.get("/family/")
    clock.advance(minutes=4)
    response = guardian.client.submit("/family/delete", data={"name": "The Lovelaces"})
    assert response.status_code == 401
    with app.app_context():
        assert db.session.scalars(sa.select(Family)).one()
    response = guardian.client.submit(
        "/family/delete", data={"name": "The Lovelaces", "reauth_password": PASSWORD}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(Family)).all() == []
