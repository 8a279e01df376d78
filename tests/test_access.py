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
from supervisor.models import Child, Device, Guardian, Invite, Track
from tests.conftest import Auth, Client, snapshot

ANON = "anonymous"
OWNER = "guardian"
OUTSIDER = "other family's guardian"
CHILD = "child on the family tablet"
ACTORS = (ANON, OWNER, OUTSIDER, CHILD)

SIGNIN = "signin"  # a redirect to the sign-in page
G = {"GET"}

# endpoint -> method -> expected status for (ANON, OWNER, OUTSIDER, CHILD). Every id in a URL
# belongs to the owner's family, so the outsider must get 404 wherever an id appears, and the
# child must get 403 on every guardian page.
ROUTES: dict[str, dict[str, tuple[int | str, ...]]] = {
    "auth.index": {"GET": (200, 302, 302, 302)},
    "auth.signup": {"GET": (200, 200, 200, 403), "POST": (200, 200, 200, 403)},
    "auth.login": {"GET": (200, 200, 200, 403), "POST": (200, 200, 200, 403)},
    "auth.logout": {"POST": (302, 302, 302, 302)},
    "auth.join_family": {"GET": (410, 410, 410, 403), "POST": (410, 410, 410, 403)},
    "auth.account": {"GET": (SIGNIN, 200, 200, 403), "POST": (SIGNIN, 200, 200, 403)},
    "family.home": {"GET": (SIGNIN, 200, 200, 403)},
    "family.add_child": {"GET": (SIGNIN, 200, 200, 403), "POST": (SIGNIN, 200, 200, 403)},
    "family.edit_child": {"GET": (SIGNIN, 200, 404, 403), "POST": (SIGNIN, 200, 404, 403)},
    "family.delete_child": {"GET": (SIGNIN, 200, 404, 403), "POST": (SIGNIN, 302, 404, 403)},
    "family.set_pin": {"GET": (SIGNIN, 200, 404, 403), "POST": (SIGNIN, 200, 404, 403)},
    "family.unlock_profile": {"POST": (SIGNIN, 302, 404, 403)},
    "family.create_invite": {"POST": (SIGNIN, 200, 200, 403)},
    "family.revoke_invite": {"POST": (SIGNIN, 302, 404, 403)},
    "devices.index": {"GET": (SIGNIN, 200, 200, 403), "POST": (SIGNIN, 302, 302, 403)},
    "devices.revoke": {"POST": (SIGNIN, 302, 404, 403)},
    "tablet.picker": {"GET": (302, 302, 302, 200)},
    "tablet.unlock_child": {"GET": (401, 401, 401, 200), "POST": (401, 401, 401, 200)},
    "tablet.unlock_guardian": {"GET": (302, 302, 302, 200), "POST": (302, 302, 302, 200)},
    "child.home": {"GET": (SIGNIN, 403, 403, 200)},
    "family.settings": {"GET": (SIGNIN, 200, 200, 403), "POST": (SIGNIN, 302, 302, 403)},
    "family.read_notifications": {"POST": (SIGNIN, 302, 302, 403)},
    "tracks.add": {"GET": (SIGNIN, 200, 404, 403), "POST": (SIGNIN, 200, 404, 403)},
    "tracks.show": {"GET": (SIGNIN, 200, 404, 403)},
    "tracks.tick": {"POST": (SIGNIN, 400, 404, 403)},
    "tracks.sign_off": {"POST": (SIGNIN, 400, 404, 403)},
    "tracks.step_back": {"POST": (SIGNIN, 400, 404, 403)},
    "tracks.decline": {"POST": (SIGNIN, 400, 404, 403)},
    "child.track": {"GET": (SIGNIN, 403, 403, 200)},
    "child.request_sign_off": {"POST": (SIGNIN, 403, 403, 400)},
}

CASES = [
    (endpoint, method, actor)
    for endpoint, methods in ROUTES.items()
    for method in methods
    for actor in ACTORS
]


@dataclass
class World:
    """Two families: the owner's (children, an invite, a tablet) and an outsider's."""

    client: Client
    ids: dict[str, int | str]

    def url(self, app, endpoint: str) -> str:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        return rule.build({k: v for k, v in self.ids.items() if k in rule.arguments})[1]


def build_world(app, actor: str) -> World:
    tablet = Auth(app.test_client())
    tablet.signup()
    for name in ("Mo", "Zoe"):
        tablet.client.submit(
            "/family/children/new",
            data={
                "display_name": name,
                "avatar": "🦊",
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
    tablet.client.submit("/family/invites")
    tablet.client.submit("/family/devices/", data={"name": "Kitchen tablet"})
    with app.app_context():
        ids = {
            "child_id": mo,
            "invite_id": db.session.scalars(sa.select(Invite.id)).one(),
            "device_id": db.session.scalars(sa.select(Device.id)).one(),
            "guardian_id": db.session.scalars(sa.select(Guardian.id)).one(),
            "track_id": db.session.scalars(sa.select(Track.id)).one(),
            "token": "not-a-real-token",
        }
    client = app.test_client()
    if actor == OWNER:
        Auth(client).login()
    elif actor == OUTSIDER:
        Auth(client).signup(email="eve@example.org", name="Eve", family="The Outsiders")
    elif actor == CHILD:
        response = tablet.client.submit(f"/who/child/{mo}", data={"pin": "4826"})
        assert response.status_code == 302
        client = tablet.client
    return World(client, ids)


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
    expected = ROUTES[endpoint][method][ACTORS.index(actor)]
    before = snapshot(app)
    response = world.client.get(url) if method == "GET" else world.client.submit(url, data={})
    if expected == SIGNIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:2000]
    if (actor == OUTSIDER and expected == 404) or (actor == CHILD and expected == 403):
        after = snapshot(app)
        if actor == CHILD and method != "GET":
            # Target 1: the refusal itself is logged, and nothing else changes.
            new_rows = set(after.pop("audit_event")) - set(before.pop("audit_event"))
            assert [row[3:5] for row in new_rows] == [("authorisation", "denied")]
        assert after == before  # target 2: nothing of the other family changed


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
