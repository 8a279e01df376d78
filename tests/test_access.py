"""Who may reach every route (security targets 2 and 13).

``ROUTES`` lists every endpoint of the app with the status each actor gets for each method.
A route added without a line here fails ``test_every_route_is_listed``, so no new page can
skip these checks.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from supervisor.extensions import db
from supervisor.models import Child, Invite
from tests.conftest import Auth, Client, snapshot

ANON = "anonymous"
OWNER = "guardian"
OUTSIDER = "other family's guardian"

SIGNIN = "signin"  # a redirect to the sign-in page

# endpoint -> method -> {actor: expected status}; an id in the URL always belongs to the
# guardian's family, so the outsider must get 404 wherever an id appears.
ROUTES: dict[str, dict[str, dict[str, int | str]]] = {
    "auth.index": {"GET": {ANON: 200, OWNER: 302, OUTSIDER: 302}},
    "auth.signup": {
        "GET": {ANON: 200, OWNER: 200, OUTSIDER: 200},
        "POST": {ANON: 200, OWNER: 200, OUTSIDER: 200},
    },
    "auth.login": {
        "GET": {ANON: 200, OWNER: 200, OUTSIDER: 200},
        "POST": {ANON: 200, OWNER: 200, OUTSIDER: 200},
    },
    "auth.logout": {"POST": {ANON: 302, OWNER: 302, OUTSIDER: 302}},
    "auth.join_family": {
        "GET": {ANON: 410, OWNER: 410, OUTSIDER: 410},
        "POST": {ANON: 410, OWNER: 410, OUTSIDER: 410},
    },
    "auth.account": {
        "GET": {ANON: SIGNIN, OWNER: 200, OUTSIDER: 200},
        "POST": {ANON: SIGNIN, OWNER: 200, OUTSIDER: 200},
    },
    "family.home": {"GET": {ANON: SIGNIN, OWNER: 200, OUTSIDER: 200}},
    "family.add_child": {
        "GET": {ANON: SIGNIN, OWNER: 200, OUTSIDER: 200},
        "POST": {ANON: SIGNIN, OWNER: 200, OUTSIDER: 200},
    },
    "family.edit_child": {
        "GET": {ANON: SIGNIN, OWNER: 200, OUTSIDER: 404},
        "POST": {ANON: SIGNIN, OWNER: 200, OUTSIDER: 404},
    },
    "family.delete_child": {
        "GET": {ANON: SIGNIN, OWNER: 200, OUTSIDER: 404},
        "POST": {ANON: SIGNIN, OWNER: 302, OUTSIDER: 404},
    },
    "family.create_invite": {"POST": {ANON: SIGNIN, OWNER: 200, OUTSIDER: 200}},
    "family.revoke_invite": {"POST": {ANON: SIGNIN, OWNER: 302, OUTSIDER: 404}},
}

CASES = [
    (endpoint, method, actor)
    for endpoint, methods in ROUTES.items()
    for method, actors in methods.items()
    for actor in actors
]


@dataclass
class World:
    """Two families: the owner's (with a child and an invite) and an outsider's."""

    client: Client
    child_id: int
    invite_id: int

    def url(self, app, endpoint: str) -> str:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        values = {
            "child_id": self.child_id,
            "invite_id": self.invite_id,
            "token": "not-a-real-token",
        }
        return rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]


def build_world(app, actor: str) -> World:
    owner = Auth(app.test_client())
    owner.signup()
    owner.client.submit(
        "/family/children/new",
        data={
            "display_name": "Mo",
            "avatar": "🦊",
            "colour": "sky",
            "birth_year": "2014",
            "birth_month": "5",
        },
    )
    owner.client.submit("/family/invites")
    with app.app_context():
        child_id = db.session.scalars(sa.select(Child.id)).one()
        invite_id = db.session.scalars(sa.select(Invite.id)).one()
    client = app.test_client()
    if actor == OWNER:
        client = owner.client
    elif actor == OUTSIDER:
        Auth(client).signup(email="eve@example.org", name="Eve", family="The Outsiders")
    return World(client, child_id, invite_id)


def test_every_route_is_listed(app):
    endpoints = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            endpoints.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    listed = {endpoint: set(methods) for endpoint, methods in ROUTES.items()}
    assert endpoints == listed


@pytest.mark.parametrize(("endpoint", "method", "actor"), CASES)
def test_route_by_actor(app, endpoint, method, actor):
    world = build_world(app, actor)
    url = world.url(app, endpoint)
    expected = ROUTES[endpoint][method][actor]
    before = snapshot(app)
    response = world.client.get(url) if method == "GET" else world.client.submit(url, data={})
    if expected == SIGNIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:2000]
    if actor == OUTSIDER and expected == 404:
        assert snapshot(app) == before  # target 2: nothing of the other family changed


@pytest.mark.parametrize(
    ("endpoint", "method"),
    [(e, m) for e, methods in ROUTES.items() for m in methods if m != "GET"],
)
def test_post_without_csrf_token_is_refused(app, endpoint, method):
    """Security target 13: no token, 400, and the database is unchanged."""
    world = build_world(app, OWNER)
    before = snapshot(app)
    response = world.client.open(world.url(app, endpoint), method=method, data={})
    assert response.status_code == 400
    assert "This form was open too long" in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_get_never_writes(app):
    """Security target 13: GET and HEAD emit no INSERT, UPDATE or DELETE."""
    world = build_world(app, OWNER)
    writes: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        for endpoint, methods in ROUTES.items():
            if "GET" in methods:
                url = world.url(app, endpoint)
                world.client.get(url)
                world.client.head(url)
                Client(app).get(url)  # and as a stranger
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert writes == []
