# ruff: noqa: F811 - the tests take the world fixtures imported from tests/world.py
"""Who may reach every route (security targets 1, 2 and 13): anonymous, two guardians of the
family, two of its children on the family tablet, and a guardian of another family.

``ROUTES`` (in ``tests/world.py``, beside the world it describes) lists every endpoint of the
app with the status each actor gets for each method. A route added without a line there fails
``test_every_route_is_listed``, so no new page can skip these checks.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from supervisor.extensions import db
from supervisor.web.who_looked import VIEWS
from tests.conftest import Client, snapshot
from tests.world import (  # noqa: F401 - fixtures used by name
    ACTORS,
    CHILD,
    CSRF_EXEMPT,
    OUTSIDER,
    OWNER,
    ROUTES,
    SIBLING,
    SIGNIN,
    build_world,
    frozen_world_time,
    saved_world,
)

CASES = [
    (endpoint, method, actor)
    for endpoint, methods in ROUTES.items()
    for method in methods
    for actor in ACTORS
]


def test_every_route_is_listed(app):
    endpoints = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            endpoints.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    listed = {endpoint: set(methods) for endpoint, methods in ROUTES.items()}
    assert endpoints == listed


@pytest.mark.parametrize(("endpoint", "method", "actor"), CASES)
def test_route_by_actor(app, saved_world, frozen_world_time, endpoint, method, actor):
    world = build_world(app, actor, saved_world)
    url = world.url(app, endpoint)
    expected = ROUTES[endpoint][method][ACTORS.index(actor)]
    before = snapshot(app)
    response = world.client.get(url) if method == "GET" else world.client.submit(url, data={})
    if expected == SIGNIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:2000]
    if (actor in (OUTSIDER, SIBLING) and expected == 404) or (
        actor in (CHILD, SIBLING) and expected == 403
    ):
        after = snapshot(app)
        if expected == 403 and method != "GET":
            # Target 1: the refusal itself is logged, and nothing else changes.
            new_rows = set(after.pop("audit_event")) - set(before.pop("audit_event"))
            assert [row[3:5] for row in new_rows] == [("authorisation", "denied")]
        assert after == before  # target 2: nothing of the other family changed


@pytest.mark.parametrize(
    ("endpoint", "method"),
    [
        (e, m)
        for e, methods in ROUTES.items()
        for m in methods
        if m != "GET" and e not in CSRF_EXEMPT
    ],
)
def test_post_without_csrf_token_is_refused(app, saved_world, frozen_world_time, endpoint, method):
    """Security target 13: no token, 400, and the database is unchanged."""
    world = build_world(app, OWNER, saved_world)
    before = snapshot(app)
    response = world.client.open(world.url(app, endpoint), method=method, data={})
    assert response.status_code == 400
    assert "This form was open too long" in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_a_get_writes_nothing_but_the_count_of_a_guardians_look(
    app, saved_world, frozen_world_time
):
    """Security target 13, restated: a GET or HEAD writes nothing in its own transaction. The
    one write a GET may make is counting a look (who looked): one upsert of ``page_view``, in a
    transaction of its own after the page's COMMIT, and only for a guardian's successful GET of
    a page in ``who_looked.VIEWS``. HEAD, strangers, children and every other page write
    nothing at all."""
    world = build_world(app, OWNER, saved_world)
    writes: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    problems, counted = [], set()
    try:
        for endpoint, methods in ROUTES.items():
            if "GET" not in methods:
                continue
            url = world.url(app, endpoint)
            for who, send in (
                ("guardian GET", world.client.get),
                ("guardian HEAD", world.client.head),
                ("stranger GET", Client(app).get),
            ):
                writes.clear()
                status = send(url).status_code
                if who == "guardian GET" and endpoint in VIEWS and status == 200:
                    counted.add(endpoint)
                    if len(writes) != 1 or not writes[0].lstrip().startswith(
                        "INSERT INTO page_view"
                    ):
                        problems.append(f"{who} {endpoint}: {writes}")
                elif writes:
                    problems.append(f"{who} {endpoint}: {writes}")
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert problems == []
    assert counted  # the world's pages at instruction that are looks were counted
