"""The family dashboard: what it shows, and that its cost does not grow with the family."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from supervisor import clock as app_clock
from supervisor.content.lessons import LESSONS
from supervisor.extensions import db
from supervisor.models import (
    CheckIn,
    ChecklistTick,
    FamilyChecklistItem,
    Track,
    WalkthroughRun,
)
from supervisor.stages.base import Lessons
from supervisor.tracks import facts
from tests.conftest import Auth, add_child, pass_all_lessons, tap_i_agree, text, weekly_schedule

PIN = "4826"


def grow_family(app, guardian: Auth, children: int, history: int) -> None:
    """``children`` children, each with two tracks and ``history`` sign-off/step-back pairs."""
    client = guardian.client
    for number in range(children):
        child_id = add_child(client, f"Kid{number}", None, birth_year=2012)
        pass_all_lessons(app, child_id)
        for platform in ("instagram", "youtube"):
            response = client.submit(
                f"/family/children/{child_id}/tracks/new", data={"platform": platform}
            )
            track = int(response.headers["Location"].rsplit("/", 1)[1])
            for _ in range(history):
                client.submit(
                    f"/family/tracks/{track}/sign-off",
                    data={"from_stage": "instruction", "override_reason": "go"},
                )
                client.submit(
                    f"/family/tracks/{track}/step-back",
                    data={"from_stage": "permit", "reason": "again"},
                )
            client.submit(
                f"/family/tracks/{track}/sign-off",
                data={"from_stage": "instruction", "override_reason": "go"},
            )
            client.submit(
                f"/family/tracks/{track}/moments/new",
                data={"kind": "too_long", "what_happened": "late", "lesson": ""},
            )


def page_statements(app, client, path: str) -> list[str]:
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        if statement != "BEGIN":  # SQLite's driver sends it as a statement, PostgreSQL's not
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return statements


def test_dashboard_queries_do_not_grow_with_children_or_history(app):
    small = Auth(app.test_client())
    small.signup(email="small@example.org", name="Sam", family="Small")
    grow_family(app, small, children=1, history=1)
    big = Auth(app.test_client())
    big.signup(email="big@example.org", name="Bo", family="Big")
    grow_family(app, big, children=6, history=4)
    small.client.get("/family/")  # warm caches that are per process, not per page
    for path in ("/family/",):
        statements = page_statements(app, big.client, path)
        assert len(page_statements(app, small.client, path)) == len(statements)
        # Work out the schedules once per page, read the check-ins and the family row once,
        # and each table the permits' requirements read once (ticks, the family's own items,
        # finished walkthroughs), and nothing they do not read (lessons).
        # Each statement is a round trip on PostgreSQL: this is the page's budget.
        assert len(statements) <= 12
        assert sum("FROM checkin_schedule" in s for s in statements) == 1
        assert sum(re.search(r"FROM checkin\b", s) is not None for s in statements) == 1
        assert sum(re.search(r"FROM family\b", s) is not None for s in statements) == 1
        for table in ("checklist_tick", "family_checklist_item", "walkthrough_run"):
            assert sum(f"FROM {table}" in s for s in statements) == 1, table
        assert not any("FROM lesson_" in s for s in statements)
    page = text(big.client.get("/family/"))
    assert page.count("Learner&#39;s permit") + page.count("Learner's permit") >= 12


def test_dashboard_shows_stages_requests_checkins_locks_and_history(app, clock):
    guardian = Auth(app.test_client())
    guardian.signup()
    client = guardian.client
    mo = add_child(client, "Mo", PIN, birth_year=2012)
    zoe = add_child(client, "Zoe", "9071")
    pass_all_lessons(app, mo)
    mo_track = int(
        client.submit(f"/family/children/{mo}/tracks/new", data={"platform": "instagram"})
        .headers["Location"]
        .rsplit("/", 1)[1]
    )
    client.submit(f"/family/children/{zoe}/tracks/new", data={"platform": "tiktok"})
    client.submit(
        f"/family/tracks/{mo_track}/sign-off",
        data={"from_stage": "instruction", "override_reason": "ready"},
    )
    client.submit(
        f"/family/tracks/{mo_track}/schedule",
        data=weekly_schedule(date(2026, 3, 9)),
    )
    tablet = Auth(app.test_client())
    tablet.login()
    tablet.client.submit("/family/devices/", data={"name": "Tablet"})
    tablet.client.submit(f"/who/child/{mo}", data={"pin": PIN})
    tap_i_agree(tablet.client, mo_track)
    tablet.client.submit("/logout")
    for _ in range(10):
        tablet.client.submit(f"/who/child/{zoe}", data={"pin": "1111"})
        clock.advance(hours=2)  # past each growing wait
    guardian.login()
    page = text(client.get("/family/"))
    assert "Next check-in: 9 Mar 2026, 18:00" in page
    assert "Zoe's profile is locked" in page
    assert re.search(r"Zoe · TikTok:</strong>\s*.*started this track", page)
    assert "Mo · Instagram:</strong>" in page and "signed off: Instruction" in page
    assert "Still missing, in order:" in page and "Prompt of the week" in page
    clock.advance(days=8, hours=12)
    guardian.login()
    assert "Check-in overdue since 9 March" in text(client.get("/family/"))


def test_sign_off_request_is_answered_from_the_dashboard_and_cards_show_it(app):
    guardian = Auth(app.test_client())
    guardian.signup()
    client = guardian.client
    mo = add_child(client, "Mo", PIN, birth_year=2012)
    pass_all_lessons(app, mo)
    track = int(
        client.submit(f"/family/children/{mo}/tracks/new", data={"platform": "instagram"})
        .headers["Location"]
        .rsplit("/", 1)[1]
    )
    tablet = Auth(app.test_client())
    tablet.login()
    tablet.client.submit("/family/devices/", data={"name": "Tablet"})
    tablet.client.submit(f"/who/child/{mo}", data={"pin": PIN})
    card = " ".join(text(tablet.client.get("/me/")).split())
    assert "Now it is up to your guardians: they tick 2 items on their checklist." in card
    assert "My apps, and what comes next" in card and "Guardian checklist ticked" not in card
    for item in ("network_chosen", "never_share"):
        client.submit(f"/family/tracks/{track}/checklist", data={"item": item, "ticked": "y"})
    card = text(tablet.client.get("/me/"))
    assert "Everything is done for Learner" in card and "Ask for sign-off</a>" in card
    tablet.client.submit(f"/me/tracks/{track}/request", data={"note": "All done!"})
    dashboard = text(client.get("/family/"))
    assert "Asking for sign-off" in dashboard and "“All done!”" in dashboard
    form = dashboard[dashboard.index("Asking for sign-off") :]
    assert f'action="/family/tracks/{track}/sign-off"' in form
    assert (
        client.submit(
            f"/family/tracks/{track}/sign-off", data={"from_stage": "instruction"}
        ).status_code
        == 302
    )
    assert "Asking for sign-off" not in text(client.get("/family/"))
    assert "You asked for sign-off" not in text(tablet.client.get("/me/"))


def test_facts_of_many_families_read_together_are_each_tracks_own(app, clock):
    """The facts of every track on a page are read together; none may reach another's."""
    guardians = [Auth(app.test_client()) for _ in range(2)]
    for guardian, name in zip(guardians, ("Ash", "Birch"), strict=True):
        guardian.signup(email=f"{name.lower()}@example.org", name=name, family=name)
        grow_family(app, guardian, children=2, history=0)
    with app.app_context():
        child_id = db.session.scalars(sa.select(Track.child_id).order_by(Track.id)).first()
    guardians[0].client.submit(
        f"/family/children/{child_id}/tracks/new", data={"platform": "tiktok"}
    )
    with app.app_context():
        tracks = list(db.session.scalars(sa.select(Track).order_by(Track.id)))
        first, last, learning = tracks[0], tracks[-2], tracks[-1]
        assert learning.stage == "instruction" and learning.child_id == child_id
        assert first.family_id != last.family_id and first.stage == last.stage == "permit"
        own = FamilyChecklistItem(family_id=first.family_id, stage="permit", label="Our rule")
        db.session.add(own)
        db.session.flush()
        db.session.add_all(
            [
                ChecklistTick(track_id=first.id, item=own.key, family_id=first.family_id),
                WalkthroughRun(
                    family_id=last.family_id,
                    track_id=last.id,
                    walkthrough="youtube",
                    finished_at=app_clock.now(),
                ),
                CheckIn(
                    family_id=last.family_id,
                    track_id=last.id,
                    due_on=app_clock.now().date(),
                    held=True,
                ),
            ]
        )
        db.session.commit()
        together = facts.snapshots(db.session, tracks)
        alone = {t.id: facts.snapshots(db.session, [t])[t.id] for t in tracks}
        key, families = own.key, {t.id: t.family_id for t in tracks}
    assert together == alone
    lessons = together.pop(learning.id).facts.lessons
    assert lessons.passed == lessons.discussed == set(LESSONS)
    for track_id, snapshot in together.items():
        checklist = snapshot.facts.checklist
        ticked, items = checklist.ticked, checklist.family_items
        if track_id == first.id:
            assert (ticked, items) == ({key}, ((key, "Our rule"),))
        elif families[track_id] == families[first.id]:
            assert (ticked, items) == (set(), ((key, "Our rule"),))
        else:
            assert (ticked, items) == (set(), ())
        held = snapshot.facts.checkins.held
        assert held == ((app_clock.now().date(),) if track_id == last.id else ())
        assert snapshot.facts.walkthroughs_finished == (1 if track_id == last.id else 0)
        assert snapshot.facts.lessons == Lessons()  # a permit's requirements read no lessons
