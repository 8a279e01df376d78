"""Who looked: every guardian look at a child's pages is counted per day and told to the child
(and to the guardians, in the same words), and the sign on every page of a watched child.

``supervisor.web.who_looked.VIEWS`` declares which pages are a look; the walk below fails on a
guardian page naming a child or a track that is neither there nor exempt with a reason.
"""

# ruff: noqa: F811 - the tests take fixtures imported from tests/world.py and test_permit
from __future__ import annotations

import html
import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa

from supervisor.extensions import db
from supervisor.family import looked
from supervisor.jobs import tasks
from supervisor.models import PageView, Track
from supervisor.stages.base import StageKey
from supervisor.web.who_looked import EXEMPT, VIEWS
from tests.conftest import PASSWORD, Auth, Client, add_child, text
from tests.test_permit import PIN, permit  # noqa: F401 - a fixture
from tests.world import (
    ACTORS,
    CHILD,
    CO_GUARDIAN,
    OUTSIDER,
    OWNER,
    ROUTES,
    SIBLING,
    WORLD_TIME,
    build_world,
    frozen_world_time,  # noqa: F401 - a fixture
    saved_world,  # noqa: F401 - a fixture
)

NOBODY_THIS_WEEK = "None of your guardians opened your pages in this app this week."


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, text(response)[:2000]
    return html.unescape(text(response))


def as_actor(app, saved, actor: str) -> Client:
    """Another actor of the world already built in this test's database."""
    client = app.test_client()
    for name, value in saved.cookies[actor].items():
        client.set_cookie(name, value)
    return client


def views(app) -> list[tuple[str, int, int, int]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(PageView))
        return sorted((v.page, v.child_id, v.track_id, v.times) for v in rows)


def at_permit(app, track_id: int, **values: object) -> None:
    with app.app_context():
        track = db.session.get_one(Track, track_id)
        track.stage, track.stage_entered_at = StageKey.PERMIT, WORLD_TIME - timedelta(days=1)
        for name, value in values.items():
            setattr(track, name, value)
        db.session.commit()


def test_every_guardian_page_naming_a_child_or_track_is_a_look_or_exempt(app):
    """Guardian pages: the owner reaches them, the child on the tablet gets 403."""
    owner, child = ACTORS.index(OWNER), ACTORS.index(CHILD)
    endpoints = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    undeclared = []
    for endpoint, methods in ROUTES.items():
        statuses = methods.get("GET")
        if statuses is None or statuses[owner] == 403 or statuses[child] != 403:
            continue
        names_one = {"child_id", "track_id"} & endpoints[endpoint].arguments
        if names_one and endpoint not in VIEWS and endpoint not in EXEMPT:
            undeclared.append(endpoint)
    assert undeclared == []
    assert set(VIEWS) <= set(endpoints) and set(EXEMPT) <= set(endpoints)
    assert not set(VIEWS) & set(EXEMPT)
    assert all(len(reason) > 20 for reason in EXEMPT.values())


def test_every_look_is_counted_and_told_to_the_child_and_the_guardians(
    app, saved_world, frozen_world_time
):
    world = build_world(app, OWNER, saved_world)
    mo, track = world.ids["child_id"], world.ids["track_id"]
    at_permit(app, track)
    for endpoint, declared in VIEWS.items():
        url = world.url(app, endpoint)
        if declared.method == "GET":
            response = world.client.get(url)
        else:
            response = world.client.submit(url, data={})
        assert response.status_code == 200, (endpoint, text(response)[:2000])
    zoe = next(r["id"] for r in saved_world.rows["child"] if r["id"] != mo)
    assert views(app) == [
        ("agreement", mo, track, 1),
        ("arrangement", mo, track, 1),
        ("checkins", mo, track, 1),  # recording, correcting, together: one kind, one visit
        ("export", mo, 0, 1),
        ("export", zoe, 0, 1),  # the export holds every child's records
        ("lessons", mo, 0, 1),
        ("moments", mo, track, 1),
        ("schedule", mo, track, 1),
        ("track", mo, track, 1),
        ("walkthrough", mo, track, 1),
    ]
    home = page(as_actor(app, saved_world, CHILD), "/me/")
    for line in (
        "Ada looked at your Instagram track and its history today at 09:00.",
        "Ada looked at your lessons and quiz scores today at 09:00.",
        "Ada looked at your Instagram agreement today at 09:00.",
        "Ada looked at your Instagram privacy walkthroughs today at 09:00.",
        "Ada looked at how guardians look in on your Instagram today at 09:00.",
        "Ada looked at your Instagram check-in schedule today at 09:00.",
        "Ada looked at your Instagram check-ins today at 09:00.",
        "Ada looked at your Instagram learning moments today at 09:00.",
        "Ada downloaded everything the family has stored (your records too) today at 09:00.",
    ):
        assert line in home
    assert NOBODY_THIS_WEEK not in home
    kept = page(as_actor(app, saved_world, CHILD), "/me/looked")
    assert "Ada looked at your Instagram track and its history on 2 Mar 2026 at 09:00." in kept
    for guardian in (world.client, as_actor(app, saved_world, CO_GUARDIAN)):
        theirs = page(guardian, f"/family/children/{mo}/looked")
        assert (
            "Ada looked at Mo's Instagram track and its history on 2 Mar 2026 at 09:00." in theirs
        )
        assert "Ada looked at Mo's Instagram check-ins on 2 Mar 2026 at 09:00." in theirs
        for name in {str(declared.name) for declared in VIEWS.values()} - {""}:
            assert name in theirs.split("or downloads the family's data")[0], name
    # Zoe's pages were only in the export.
    sibling = page(as_actor(app, saved_world, SIBLING), "/me/")
    assert "Ada downloaded everything the family has stored (your records too) today at" in sibling
    assert "Instagram" not in sibling.split('id="looked"')[1].split("</ul>")[0]


def test_a_childs_own_looks_and_another_familys_are_not_counted_or_shown(
    app, saved_world, frozen_world_time
):
    world = build_world(app, CHILD, saved_world)
    mo, track = world.ids["child_id"], world.ids["track_id"]
    for url in ("/me/", f"/me/tracks/{track}", f"/me/tracks/{track}/agreement", "/me/looked"):
        assert world.client.get(url).status_code == 200
    outsider = as_actor(app, saved_world, OUTSIDER)
    for url in (f"/family/tracks/{track}", f"/family/children/{mo}/lessons"):
        assert outsider.get(url).status_code == 404
    assert as_actor(app, saved_world, SIBLING).get(f"/me/tracks/{track}").status_code == 404
    assert views(app) == []
    assert NOBODY_THIS_WEEK in page(world.client, "/me/")
    # Once a guardian looks at Mo's track, Mo's sister is not told of it, nor another family.
    assert as_actor(app, saved_world, OWNER).get(f"/family/tracks/{track}").status_code == 200
    assert NOBODY_THIS_WEEK in page(as_actor(app, saved_world, SIBLING), "/me/")
    assert outsider.get(f"/family/children/{mo}/looked").status_code == 404
    assert "Ada looked at your Instagram track" in page(world.client, "/me/")


def after_the_fixtures_save(guardian: Client) -> None:
    """The fixture's last save (the sign-off) sent the guardian to the track page; a page of
    another kind in between, as a guardian moves on, makes the next track page a look."""
    assert guardian.get("/family/").status_code == 200


def later(guardian: Client, clock) -> None:
    """40 minutes on, the guardian busy on the family's page in between (still signed in)."""
    for _ in range(2):
        clock.advance(minutes=20)
        assert guardian.get("/family/").status_code == 200


def test_looks_within_half_an_hour_are_one_visit(app, clock, permit):
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    after_the_fixtures_save(guardian)
    assert guardian.get(f"/family/tracks/{track}").status_code == 200
    clock.advance(minutes=10)
    assert guardian.get(f"/family/tracks/{track}").status_code == 200  # a reload: same visit
    assert views(app) == [("track", permit["child"], track, 1)]
    assert "Ada looked at your Instagram track and its history today at 09:10." in page(
        tablet, "/me/"
    )
    later(guardian, clock)
    assert guardian.get(f"/family/tracks/{track}").status_code == 200  # back later: a visit
    assert views(app) == [("track", permit["child"], track, 2)]
    tablet.submit("/logout")  # the child's page was left open too long: opened again
    tablet.submit(f"/who/child/{permit['child']}", data={"pin": PIN})
    assert (
        "Ada looked at your Instagram track and its history today between 09:00 and 09:50"
        " (2 visits)." in page(tablet, "/me/")
    )
    clock.advance(days=1)
    Auth(guardian).login()
    tablet.submit("/logout")
    tablet.submit(f"/who/child/{permit['child']}", data={"pin": PIN})
    assert guardian.get(f"/family/tracks/{track}").status_code == 200
    mo = permit["child"]
    assert views(app) == [("track", mo, track, 1), ("track", mo, track, 2)]
    home = page(tablet, "/me/")
    assert "Ada looked at your Instagram track and its history today at 09:50." in home
    assert (
        "Ada looked at your Instagram track and its history yesterday between 09:00 and 09:50"
        " (2 visits)." in home
    )


def test_looks_are_kept_90_days_then_forgotten_by_the_daily_job(app, clock, permit):
    guardian, track = permit["guardian"], permit["track"]
    after_the_fixtures_save(guardian)
    assert guardian.get(f"/family/tracks/{track}").status_code == 200
    clock.advance(days=8)
    tablet = Auth(app.test_client())
    tablet.login()
    tablet.client.submit("/family/devices/", data={"name": "Tablet"})
    tablet.client.submit(f"/who/child/{permit['child']}", data={"pin": PIN})
    assert NOBODY_THIS_WEEK in page(tablet.client, "/me/")  # a week on, not this week's
    assert "Ada looked at your Instagram track and its history on 2 Mar 2026 at 09:00." in page(
        tablet.client, "/me/looked"
    )
    clock.advance(days=82)  # 90 days on: still kept
    with app.app_context():
        assert tasks.daily()["looks_forgotten"] == 0
    assert len(views(app)) == 1
    clock.advance(days=1)
    with app.app_context():
        assert tasks.daily()["looks_forgotten"] == 1
    assert views(app) == []


def test_the_who_looked_block_is_one_query_however_many_looks(app, clock, permit):
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    after_the_fixtures_save(guardian)
    guardian.get(f"/family/tracks/{track}")

    def statements() -> int:
        seen: list[str] = []
        with app.app_context():
            engine = db.engine

        def count(conn, cursor, statement, *args):
            seen.append(statement)

        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            page(tablet, "/me/")
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    one = statements()
    for url in ("agreement", "walkthrough", "monitoring", "schedule", "moments/new"):
        guardian.get(f"/family/tracks/{track}/{url}")
    guardian.get(f"/family/children/{permit['child']}/lessons")
    assert len(views(app)) == 6
    assert statements() == one


def test_a_look_that_cannot_be_counted_never_fails_the_page(
    app, clock, permit, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("disk full"))

    monkeypatch.setattr(looked, "record", broken)
    after_the_fixtures_save(permit["guardian"])
    with caplog.at_level(logging.WARNING):
        response = permit["guardian"].get(f"/family/tracks/{permit['track']}")
    assert response.status_code == 200
    assert "A guardian's look was not counted" in caplog.text
    assert views(app) == []


SIGN = "Your guardians can look at your Instagram account"


OWN = ("child.", "lessons.")  # the blueprints of a child's own pages


def child_pages(app, world) -> list[str]:
    """Every page of a child's own (the tablet's picker and PIN pages come before it)."""
    child = ACTORS.index(CHILD)
    return [
        world.url(app, endpoint)
        for endpoint, methods in ROUTES.items()
        if endpoint.startswith(OWN) and "GET" in methods and methods["GET"][child] == 200
    ]


@pytest.mark.parametrize(
    ("arrangement", "agreed", "stage", "shown"),
    [
        ("password_known", True, StageKey.PERMIT, True),
        ("show_on_request", True, StageKey.PERMIT, True),
        ("follow", True, StageKey.PERMIT, True),
        ("password_known", False, StageKey.PERMIT, False),  # not in force before "I agree"
        ("password_known", True, StageKey.LICENCE, False),  # the licence ended looking in
        (None, False, StageKey.PERMIT, False),
    ],
)
def test_the_monitoring_sign_is_on_every_child_page_while_looking_in_is_agreed(
    app, saved_world, frozen_world_time, arrangement, agreed, stage, shown
):
    world = build_world(app, CHILD, saved_world)
    track = world.ids["track_id"]
    at_permit(
        app,
        track,
        stage=stage,
        monitoring=arrangement,
        monitoring_agreed_at=WORLD_TIME if arrangement else None,
        monitoring_child_agreed_at=WORLD_TIME if agreed else None,
    )
    pages = child_pages(app, world)
    assert "/me/" in pages and f"/me/tracks/{track}" in pages and "/me/looked" in pages
    link = f'href="/me/tracks/{track}/agreement">see what you agreed</a>'
    for url in pages:
        body = page(world.client, url)
        assert (SIGN in body) is shown, url
        assert (link in body) is shown, url
    sibling = page(as_actor(app, saved_world, SIBLING), "/me/")
    assert SIGN not in sibling  # Mo's account, not Zoe's


def test_a_look_is_on_the_familys_own_day(app, auth, client, clock):
    """13:00 UTC on 2 March is 02:00 on 3 March in Auckland: the look is on the 3rd."""
    clock.current = WORLD_TIME.replace(hour=13)
    auth.signup(country="NZ", timezone="Pacific/Auckland")
    mo = add_child(client, "Mo")
    assert client.get(f"/family/children/{mo}/lessons").status_code == 200
    assert "Ada looked at Mo's lessons and quiz scores on 3 Mar 2026 at 02:00." in page(
        client, f"/family/children/{mo}/looked"
    )
    assert "Ada looked at your lessons" not in page(client, f"/family/children/{mo}/looked")


def test_the_page_right_after_a_guardians_own_save_is_not_a_look(app, auth, client, clock):
    """Starting a track sends the guardian to the track page: what they just did, not a look.
    Only that one page, only once: a reload later, or another page, is a look again."""
    auth.signup()
    mo = add_child(client, "Mo", PIN, birth_year=2012)
    saved = client.submit(f"/family/children/{mo}/tracks/new", data={"platform": "instagram"})
    assert saved.status_code in {302, 303}
    track_page = saved.headers["Location"]
    track = int(track_page.rsplit("/", 1)[1])
    assert page(client, track_page)
    assert views(app) == []
    assert page(client, track_page)  # a look of its own, not the save's page
    assert views(app) == [("track", mo, track, 1)]
    # A save, then a look at another page first: that page is a look, and the track page too.
    later(client, clock)
    saved = client.submit(f"/family/children/{mo}/tracks/new", data={"platform": "tiktok"})
    assert saved.status_code in {302, 303}
    assert page(client, f"/family/children/{mo}/lessons")
    assert page(client, track_page)
    assert views(app) == [("lessons", mo, 0, 1), ("track", mo, track, 2)]


def test_the_page_a_guardian_signs_in_to_is_a_look(app, auth, client, clock):
    """Signing in saves nothing: the page it sends the guardian on to is a look."""
    auth.signup()
    mo = add_child(client, "Mo")
    auth.logout()
    lessons = f"/family/children/{mo}/lessons"
    signed_in = client.submit(
        f"/login?next={lessons}", data={"email": "ada@example.org", "password": PASSWORD}
    )
    assert signed_in.headers["Location"].endswith(lessons)
    assert page(client, lessons)
    assert views(app) == [("lessons", mo, 0, 1)]
