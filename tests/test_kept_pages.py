"""The kept family page: served again only while nothing it shows can have changed.

Every other test runs with ``KEPT_PAGES_CHECK`` on (a kept page served is rendered afresh too,
and a difference fails the request). These turn it off where they prove what a real server
does: a write shows on the next visit because the family's revision moved, not because the
page was rendered again.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from supervisor import revisions
from supervisor.db import insert_if_missing, metadata
from supervisor.extensions import db
from supervisor.models import AuditEvent, Family, LessonProgress, Notification
from supervisor.web import kept_pages
from tests.conftest import (
    PASSWORD,
    Auth,
    add_child,
    pass_all_lessons,
    text,
)
from tests.test_checkins import record
from tests.test_dashboard import page_statements
from tests.test_family import invite_link, join
from tests.test_permit import agree_schedule, on_a_permit

TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def served(app):
    """The app as production serves it: kept pages are used, not checked."""
    app.config["KEPT_PAGES_CHECK"] = False
    return app


def without_tokens(page: str) -> str:
    return re.sub(r'(name="csrf_token" value|name="csrf-token" content)="[^"]+"', "", page)


def revision(app, family_id: int = 1) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Family.revision).where(Family.id == family_id))


def test_a_second_visit_is_one_statement_and_its_forms_carry_this_requests_token(served):
    guardian = Auth(served.test_client())
    guardian.signup()
    add_child(guardian.client, "Mo")
    guardian.client.get("/family/")  # shows what was flashed, once
    first = text(guardian.client.get("/family/"))
    assert len(page_statements(served, guardian.client, "/family/")) == 1  # the session's
    other = Auth(served.test_client())  # the same guardian on another device
    other.login()
    page = text(other.client.get("/family/"))
    assert without_tokens(page) == without_tokens(first) and "Mo" in page
    tokens = set(TOKEN_FIELD.findall(page))
    assert len(tokens) == 1  # every form of the page, and the sign-out's
    assert tokens.isdisjoint(TOKEN_FIELD.findall(first))  # not the first device's token
    answer = other.client.post("/family/notifications/read", data={"csrf_token": tokens.pop()})
    assert answer.status_code == 302


def test_each_kind_of_write_shows_on_the_next_visit(served, clock):
    guardian = Auth(served.test_client())
    guardian.signup()
    client = guardian.client
    client.get("/family/")
    mo = add_child(client, "Mo", birth_year=2012)  # an insert through the unit of work
    assert "Mo" in text(client.get("/family/"))

    client.submit("/family/settings/name", data={"name": "The Byrons"})  # an update
    assert "The Byrons" in text(client.get("/family/"))

    link = invite_link(client)
    assert "Invite links not used yet" in text(client.get("/family/"))
    join(served.test_client(), link)  # another guardian: a claimed invite, a bulk UPDATE
    page = text(client.get("/family/"))
    assert "Invite links not used yet" not in page and "Grace" in page
    assert "What&#39;s new" in page or "What's new" in page

    client.submit("/family/notifications/read")  # a bulk UPDATE of another table
    page = text(client.get("/family/"))
    assert "What&#39;s new" not in page and "What's new" not in page

    pass_all_lessons(served, mo)
    new = client.submit(f"/family/children/{mo}/tracks/new", data={"platform": "instagram"})
    track = int(new.headers["Location"].rsplit("/", 1)[1])
    assert "Instagram" in text(client.get("/family/"))
    client.submit(
        f"/family/tracks/{track}/sign-off",
        data={"from_stage": "instruction", "override_reason": "ready", "reauth_password": PASSWORD},
    )
    page = text(client.get("/family/"))
    assert "Learner&#39;s permit" in page or "Learner's permit" in page

    link = invite_link(client)
    invite = int(re.findall(r"/family/invites/(\d+)/revoke", text(client.get("/family/")))[0])
    client.submit(f"/family/invites/{invite}/revoke")  # a delete through the unit of work
    assert "Invite links not used yet" not in text(client.get("/family/"))


def test_a_write_on_another_worker_shows_at_once(served, second_worker):
    guardian = Auth(served.test_client())
    guardian.signup()
    guardian.client.get("/family/")  # kept by this worker
    elsewhere = Auth(second_worker.test_client())
    elsewhere.login()
    add_child(elsewhere.client, "Zoe")
    assert "Zoe" in text(guardian.client.get("/family/"))


def test_a_write_that_does_not_move_the_revision_fails_the_check(app, caplog):
    guardian = Auth(app.test_client())
    guardian.signup()
    guardian.client.get("/family/")  # shows what was flashed, once
    guardian.client.get("/family/")  # kept
    with app.app_context(), db.engine.begin() as connection:  # around the session's events
        connection.execute(sa.update(Family).values(name="The Byrons"))
    assert guardian.client.get("/family/").status_code == 500
    assert "StalePage" in caplog.text and "+  <h1>The Byrons</h1>" in caplog.text


def test_a_kept_page_lasts_five_minutes_at_most_until_a_day_or_an_invite_ends(served, clock):
    clock.current = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)  # London is on UTC in March
    guardian = Auth(served.test_client())
    guardian.signup()
    client = guardian.client
    client.get("/family/")  # shows what was flashed, once
    clock.advance(minutes=6)  # the password typed no longer fresh: that page from now on
    client.get("/family/")  # kept
    for step in (timedelta(seconds=50), timedelta(minutes=4, seconds=9, microseconds=999999)):
        clock.current += step  # across a minute's turn, to a tick before five minutes
        assert len(page_statements(served, client, "/family/")) == 1
    clock.advance(microseconds=1)  # five minutes: a write made around the app shows now
    assert len(page_statements(served, client, "/family/")) > 1
    clock.current = datetime(2026, 3, 2, 23, 58, tzinfo=UTC)
    guardian.login()  # the session ran out in the day
    client.get("/family/")
    clock.current = datetime(2026, 3, 2, 23, 59, 59, 999999, tzinfo=UTC)
    assert len(page_statements(served, client, "/family/")) == 1
    clock.advance(microseconds=1)  # midnight: the prompt of the week, ages, "today"
    assert len(page_statements(served, client, "/family/")) > 1

    invite_link(client)
    with served.app_context():
        expires = db.session.scalar(sa.text("SELECT expires_at FROM invite"))
    expires = datetime.fromisoformat(str(expires)).replace(tzinfo=UTC)
    clock.current = expires - timedelta(seconds=1)
    guardian.login()  # days later
    assert "Invite links not used yet" in text(client.get("/family/"))
    assert len(page_statements(served, client, "/family/")) == 1
    clock.current = expires
    assert "Invite links not used yet" not in text(client.get("/family/"))


ST_JOHNS = ZoneInfo("America/St_Johns")  # UTC-3:30, and summer time from 8 March 2026


def _local(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=ST_JOHNS).astimezone(UTC)


def test_a_kept_page_is_never_served_after_it_would_read_differently(app, clock, monkeypatch):
    """Six days walked a quarter of an hour at a time, and a tick either side of every moment
    the page turns at, with every kept page served checked against a fresh one (a difference
    fails the request): a family half an hour off UTC, across its change to summer time, with
    check-ins every other day at 18:00 that come, fall due, are late, and one recorded."""
    clock.current = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    guardian = Auth(app.test_client())
    permit = on_a_permit(app, guardian, country="CA", timezone="America/St_Johns")
    client = permit["guardian"]
    every_other_day = {"starts_on": "2026-03-07", "frequency": "days", "every_days": "2"}
    assert agree_schedule(permit, **every_other_day).status_code == 302

    served_kept = []
    get = kept_pages.Store.get

    def counted(store, *args):
        page = get(store, *args)
        served_kept.append(page is not None)
        return page

    monkeypatch.setattr(kept_pages.Store, "get", counted)
    monkeypatch.setattr(kept_pages, "LONGEST", timedelta(days=30))  # only the page's turns
    check_ins = [_local(day, 18) for day in (7, 9, 11)]
    turns = [
        *check_ins,
        *(moment + timedelta(days=1) for moment in check_ins),  # a day's grace
        *(_local(day, 0) for day in range(6, 12)),
        *(datetime(2026, 3, day, tzinfo=UTC) for day in range(6, 12)),
    ]
    tick = timedelta(microseconds=1)
    grid = [clock.current + timedelta(minutes=15 * step) for step in range(1, 6 * 24 * 4)]
    times = sorted({*grid, *(t + d for t in turns for d in (-tick, timedelta(0), tick))})
    seen = {}
    for moment in times:
        clock.current = moment
        if moment == _local(9, 19):  # Mo and Ada talked at the check-in: recorded
            assert record(permit, "2026-03-09").status_code == 302
        page = client.get("/family/")
        if page.status_code == 302:  # twelve hours after signing in: again
            guardian.login()
            page = client.get("/family/")
        assert page.status_code == 200, moment  # a stale kept page would fail here
        seen[moment] = html.unescape(text(page))
    assert sum(served_kept) > 0.8 * len(served_kept) and len(times) > 600

    def says(moment: datetime, words: str) -> bool:
        return words in " ".join(re.sub("<[^>]+>", " ", seen[moment]).split())

    assert says(_local(7, 18), "Next check-in: 7 Mar 2026, 18:00")  # at its minute, coming
    assert says(_local(7, 18) + tick, "Check-in due today at 18:00, not recorded yet")
    assert says(_local(8, 0) - tick, "Check-in due today at 18:00")
    assert says(_local(8, 0), "Check-in due on 7 March at 18:00, not recorded yet")
    late = check_ins[0] + timedelta(days=1)  # at 19:00: summer time began at 02:00
    assert late == _local(8, 19) and not says(late, "overdue")
    assert says(late + tick, "Check-in overdue since 7 March")
    recorded = _local(9, 19)
    assert says(recorded - timedelta(minutes=15), "6 more check-ins")
    assert says(recorded, "5 more check-ins")
    assert says(_local(10, 18) + tick, "Check-in overdue since 7 March")
    assert says(_local(11, 18), "Next check-in: 11 Mar 2026, 18:00")
    assert says(_local(11, 18) + tick, "Next check-in: 13 Mar 2026, 18:00")


def test_a_fresh_password_and_a_stale_one_get_their_own_pages(served, clock):
    guardian = Auth(served.test_client())
    guardian.signup()
    zoe = add_child(guardian.client, "Zoe")
    tablet = Auth(served.test_client())
    tablet.login()
    tablet.client.submit("/family/devices/", data={"name": "Tablet"})
    tablet.client.submit("/logout")
    for _ in range(10):  # Zoe's profile locked: unlocking it needs a fresh password
        tablet.client.submit(f"/who/child/{zoe}", data={"pin": "1111"})
        clock.advance(hours=2)
    clock.current = clock.current.replace(minute=0, second=10)
    guardian.login()
    clock.advance(minutes=5, seconds=-5)  # 4 min 55 s after typing it
    fresh = text(guardian.client.get("/family/"))
    assert "Zoe&#39;s profile is locked" in fresh or "Zoe's profile is locked" in fresh
    clock.advance(seconds=10)  # the same minute, the password no longer fresh
    stale = text(guardian.client.get("/family/"))
    assert 'name="reauth_password"' not in fresh and 'name="reauth_password"' in stale


def test_a_flashed_message_shows_once_and_its_page_is_not_kept(served):
    guardian = Auth(served.test_client())
    guardian.signup()
    client = guardian.client
    client.get("/family/")  # shows what signing up flashed
    client.get("/family/")  # kept
    with client.session_transaction() as cookie:  # as a redirect after a refusal leaves it
        cookie["_flashes"] = [("info", "Nothing changed.")]
    assert "Nothing changed." in text(client.get("/family/"))
    assert "Nothing changed." not in text(client.get("/family/"))


def test_the_same_guardian_on_the_tablet_and_elsewhere_gets_each_their_own_page(served):
    guardian = Auth(served.test_client())
    guardian.signup()
    tablet = Auth(served.test_client())
    tablet.login()
    tablet.client.submit("/family/devices/", data={"name": "Tablet"})  # ends its session
    tablet.client.submit("/who/guardian/1", data={"password": PASSWORD})
    for client in (guardian.client, tablet.client):
        client.get("/family/")  # what was flashed, once
    for _ in range(2):  # the second time from the store
        assert "Sign out" in text(guardian.client.get("/family/"))
        page = text(tablet.client.get("/family/"))
        assert "Switch person" in page and "Sign out" not in page


def test_revisions_move_on_with_every_kind_of_write_to_shown_rows_only(app):
    guardian = Auth(app.test_client())
    guardian.signup()
    child = add_child(guardian.client, "Mo")
    before = revision(app)
    moves = {
        "added": lambda: db.session.add(
            Notification(family_id=1, guardian_id=1, message="Hello", params={})
        ),
        "bulk update": lambda: db.session.execute(
            sa.update(Notification).values(read_at=datetime.now(UTC))
        ),
        "bulk delete": lambda: db.session.execute(sa.delete(Notification)),
        "insert if missing": lambda: insert_if_missing(
            db.session, LessonProgress, family_id=1, child_id=child, lesson="public", position=0
        ),
    }
    for name, write in moves.items():
        with app.app_context():
            write()
            db.session.commit()
        now = revision(app)
        assert now != before, name
        before = now
    with app.app_context():
        db.session.add(AuditEvent(family_id=1, action="looked", outcome="ok"))
        db.session.add(Notification(family_id=1, guardian_id=1, message="Rolled", params={}))
        db.session.flush()
        db.session.rollback()
        db.session.commit()
    assert revision(app) == before  # an unshown row, and a write rolled back


def test_every_table_says_its_family_or_is_named_unshown():
    for table in metadata.sorted_tables:
        if table.name not in revisions.UNSHOWN:
            assert revisions.family_column(table) is not None
    assert set(metadata.tables) >= revisions.UNSHOWN


def test_a_store_keeps_its_size_and_one_current_page_a_key():
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    page = kept_pages.Page("<p>", 7, now, now + timedelta(minutes=1))
    store = kept_pages.Store(2)
    store.put("a", page)
    store.put("b", page)
    assert store.get("a", 7, now) is page  # "a" used: "b" is now the oldest
    store.put("c", page)
    assert len(store) == 2 and store.get("b", 7, now) is None and store.get("a", 7, now) is page
    assert store.get("a", 7, now + timedelta(minutes=1)) is None  # run out, and dropped
    assert len(store) == 1
    store.put("a", page)
    assert store.get("a", 7, now - timedelta(seconds=1)) is None  # from a later time
    store.put("a", page)
    assert store.get("a", 8, now) is None and len(store) == 1  # the family wrote since
