"""The shared family tablet (security targets 1, 3, 7, 8, 10, 11 and 17)."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from supervisor import passwords, tokens
from supervisor.extensions import db
from supervisor.models import AuditEvent, Child, Device, LoginSession
from tests.conftest import PASSWORD, Auth, add_child, snapshot, text

PIN = "4826"


@pytest.fixture
def family(app, auth, client):
    """A guardian with two children, and this client's browser enrolled as the tablet."""
    auth.signup()
    ids = {"mo": add_child(client, "Mo"), "zoe": add_child(client, "Zoe", pin="9071")}
    response = client.submit("/family/devices/", data={"name": "Kitchen tablet"})
    assert response.status_code == 302 and response.headers["Location"] == "/who"
    return ids


def unlock(client, child_id: int, pin: str = PIN):
    return client.submit(f"/who/child/{child_id}", data={"pin": pin})


def audit_actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.outcome).order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


def test_enrolled_tablet_keeps_only_a_hash_and_a_safe_cookie(app, family, client):
    cookie = client.get_cookie("__Host-device")
    assert cookie is not None and cookie.secure and cookie.http_only
    assert cookie.path == "/" and cookie.origin_only  # no Domain attribute
    with app.app_context():
        device = db.session.scalars(sa.select(Device)).one()
        assert device.name == "Kitchen tablet"
        assert device.token_hash == tokens.digest(cookie.value)  # the cookie's token, hashed
    assert cookie.value not in repr(snapshot(app))  # and the token itself is kept nowhere


def test_device_cookie_lives_long(app, auth, client):
    auth.signup()
    response = client.submit("/family/devices/", data={"name": "Kitchen tablet"})
    header = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith("__Host-device=")
    )
    assert "Max-Age=34560000" in header and "Secure" in header and "HttpOnly" in header


def test_picker_lists_the_family_and_child_unlocks_with_pin(app, family, client):
    assert client.get("/").headers["Location"] == "/who"
    assert client.get("/login").headers["Location"] == "/who"
    picker = text(client.get("/who"))
    assert "Who's using Kitchen tablet?" in picker
    assert "Mo" in picker and "Zoe" in picker and "Ada" in picker

    response = unlock(client, family["mo"])
    assert response.status_code == 302 and response.headers["Location"] == "/me/"
    home = text(client.get("/me/"))
    assert "Hi Mo!" in home and "What your guardians can see" in home
    assert "Switch person" in home
    with app.app_context():
        device = db.session.scalars(sa.select(Device)).one()
        assert device.last_used_at is not None


def test_guardian_unlocks_with_password_not_pin(app, family, client):
    page = text(client.get("/who"))
    guardian_link = page.split('href="/who/guardian/')[1].split('"')[0]
    url = f"/who/guardian/{guardian_link}"
    assert client.submit(url, data={"password": PIN}).status_code == 200
    assert client.get("/family/").status_code == 302
    response = client.submit(url, data={"password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/family/"
    assert client.get("/family/").status_code == 200


def test_child_session_reaches_only_child_pages(app, family, client):
    unlock(client, family["mo"])
    response = client.get("/family/")
    assert response.status_code == 403
    page = text(response)
    assert "Not for this profile" in page and "Switch person" in page
    before = snapshot(app)
    response = client.submit(
        f"/family/children/{family['mo']}/pin", data={"pin": "1357", "confirm": "1357"}
    )
    assert response.status_code == 403
    after = snapshot(app)
    assert after.pop("audit_event") != before.pop("audit_event")
    assert after == before
    assert audit_actions(app)[-1] == ("authorisation", "denied")


def test_switch_person_starts_a_new_session(app, family, client):
    """Security target 10: new cookie, no previous keys, old CSRF token refused."""
    unlock(client, family["mo"])
    old_cookie = client.get_cookie("__Host-session").value
    old_token = client.csrf_token()
    response = client.post("/logout", data={"csrf_token": old_token})
    assert response.status_code == 302 and response.headers["Location"] == "/who"
    with client.session_transaction() as session:
        assert "sid" not in session and "_user_id" not in session
    assert (
        client.post(
            f"/who/child/{family['zoe']}", data={"csrf_token": old_token, "pin": "9071"}
        ).status_code
        == 400
    )
    assert unlock(client, family["zoe"], "9071").status_code == 302
    assert client.get_cookie("__Host-session").value != old_cookie
    assert "Hi Zoe!" in text(client.get("/me/"))
    replay = app.test_client()
    replay.set_cookie("__Host-session", old_cookie)
    replay.set_cookie("__Host-device", client.get_cookie("__Host-device").value)
    assert replay.get("/me/").headers["Location"] == "/who"


def test_child_idles_out_after_30_minutes(clock, family, client):
    """Security target 11, with a controlled clock."""
    unlock(client, family["mo"])
    clock.advance(minutes=29)
    assert client.get("/me/").status_code == 200
    clock.advance(minutes=30, seconds=1)
    response = client.get("/me/")
    assert response.status_code == 302 and response.headers["Location"] == "/who"
    assert "locked itself" in text(client.get("/who"))


def test_guardian_on_tablet_idles_out_after_5_minutes(clock, family, client):
    guardian_url = "/who/guardian/" + text(client.get("/who")).split("/who/guardian/")[1][:1]
    assert client.submit(guardian_url, data={"password": PASSWORD}).status_code == 302
    clock.advance(minutes=4)
    assert client.get("/family/").status_code == 200
    clock.advance(minutes=5, seconds=1)
    response = client.get("/family/")
    assert response.status_code == 302 and response.headers["Location"] == "/who"


def test_guardian_on_own_browser_has_30_minutes(clock, auth, client):
    auth.signup()
    clock.advance(minutes=25)
    assert client.get("/family/").status_code == 200


def test_step_up_needs_fresh_password_and_runs_the_action_once(app, clock, auth, client):
    """Security target 3: a password older than 5 minutes must be typed again."""
    auth.signup()
    mo = add_child(client, "Mo", pin=None)
    for _ in range(3):  # stay active, but the password entry grows old
        clock.advance(minutes=2)
        assert client.get("/family/").status_code == 200
    form = text(client.get(f"/family/children/{mo}/pin"))
    assert 'name="reauth_password"' in form

    data = {"pin": "5937", "confirm": "5937"}
    response = client.submit(f"/family/children/{mo}/pin", data=data)
    assert response.status_code == 401
    challenge = text(response)
    assert "Confirm it's you" in challenge and "5937" not in challenge  # no PIN on a page
    with app.app_context():
        assert db.session.get(Child, mo).pin_hash is None

    wrong = client.submit(
        f"/family/children/{mo}/pin", data={**data, "reauth_password": "not my password"}
    )
    assert wrong.status_code == 401 and "That password isn" in text(wrong)
    with app.app_context():
        assert db.session.get(Child, mo).pin_hash is None

    response = client.submit(
        f"/family/children/{mo}/pin", data={**data, "reauth_password": PASSWORD}
    )
    assert response.status_code == 302
    with app.app_context():
        assert passwords.verify_secret(db.session.get(Child, mo).pin_hash, "5937")
    assert audit_actions(app).count(("pin_set", "success")) == 1
    # Fresh now: the next sensitive action needs no password for five minutes.
    assert 'name="reauth_password"' not in text(client.get(f"/family/children/{mo}/pin"))


@pytest.mark.parametrize(
    "pin",
    [
        "1234",
        "0000",
        "1111",
        "4321",
        "123456",
        "2014",
        "1999",
        "201405",
        "052014",
        "12a4",
        "123",
        "1234567",
    ],
)
def test_trivial_pins_are_refused(app, auth, client, pin):
    auth.signup()
    mo = add_child(client, "Mo", pin=None)
    response = client.submit(f"/family/children/{mo}/pin", data={"pin": pin, "confirm": pin})
    assert response.status_code == 200
    assert 'class="error"' in text(response)
    with app.app_context():
        assert db.session.get(Child, mo).pin_hash is None


def test_pin_lockout_grows_then_needs_a_guardian(app, clock, family, client, second_worker):
    """Security target 7: 5 wrong -> waits of 1, 5, 15, 60 min; 10 -> a guardian's password.

    Attempts alternate between two app instances, as two workers would.
    """
    other = second_worker.test_client()
    other.set_cookie("__Host-device", client.get_cookie("__Host-device").value)
    mo = family["mo"]
    for attempt in range(4):
        response = unlock(other if attempt % 2 else client, mo, "1357")
        left = "1 more try before" if attempt == 3 else f"{4 - attempt} more tries before"
        assert response.status_code == 200 and left in text(response)
    fifth = unlock(client, mo, "1357")
    assert fifth.status_code == 429 and "Try again after" in text(fifth)
    assert unlock(other, mo, PIN).status_code == 429  # even the right PIN waits
    assert "Wait until" in text(client.get("/who"))

    for delay in (1, 5, 15, 60, 60):
        clock.advance(minutes=delay, seconds=1)
        assert unlock(other, mo, "1357").status_code == 429
    locked = unlock(client, mo, PIN)
    assert locked.status_code == 429 and "A guardian can open it again" in text(locked)
    clock.advance(days=2)
    assert unlock(client, mo, PIN).status_code == 429  # no timeout ends a hard lock
    assert "Locked" in text(client.get("/who"))
    assert ("pin_lockout", "denied") in audit_actions(app)

    guardian = Auth(app.test_client())
    guardian.login()
    dashboard = text(guardian.client.get("/family/"))
    assert "Mo's profile is locked" in dashboard
    assert guardian.client.submit(f"/family/children/{mo}/unlock").status_code == 302
    assert unlock(client, mo, PIN).status_code == 302


def test_pin_count_survives_a_restart(app, family, client):
    for _ in range(5):
        unlock(client, family["mo"], "1357")
    from tests.conftest import make_app

    restarted = make_app(app.config["DATABASE_URL"]).test_client()
    restarted.set_cookie("__Host-device", client.get_cookie("__Host-device").value)
    assert unlock(restarted, family["mo"]).status_code == 429
    with restarted.application.app_context():
        db.engine.dispose()


def test_lockout_is_per_profile(family, client):
    for _ in range(5):
        unlock(client, family["mo"], "1357")
    assert unlock(client, family["zoe"], "9071").status_code == 302


def test_pin_without_enrolled_tablet_is_refused_unchecked(app, family, monkeypatch):
    """Security target 8: 401, and no hash is checked."""
    stranger = app.test_client()
    monkeypatch.setattr(passwords, "verify_secret", pytest.fail)
    response = stranger.post(
        f"/who/child/{family['mo']}", data={"csrf_token": stranger.csrf_token(), "pin": PIN}
    )
    assert response.status_code == 401
    assert stranger.get("/me/").status_code == 302


def test_child_cannot_unlock_another_familys_child(app, family, client):
    other = Auth(app.test_client())
    other.signup(email="eve@example.org", name="Eve", family="The Outsiders")
    outsider_child = add_child(other.client, "Kim")
    assert client.get(f"/who/child/{outsider_child}").status_code == 404
    assert unlock(client, outsider_child).status_code == 404


def test_child_cannot_open_a_sibling_with_own_pin(family, client):
    response = unlock(client, family["zoe"], PIN)
    assert response.status_code == 200 and "isn&#39;t right" in text(response)


def test_children_sign_in_only_on_a_tablet(app, family):
    browser = app.test_client()
    assert browser.get("/who").headers["Location"] == "/login"
    login = text(browser.get("/login"))
    assert "Guardian sign-in" in login and "PIN" not in login


def test_revoked_tablet_drops_to_login(app, family, client):
    unlock(client, family["mo"])
    guardian = Auth(app.test_client())
    guardian.login()
    with app.app_context():
        device_id = db.session.scalars(sa.select(Device.id)).one()
    devices_page = text(guardian.client.get("/family/devices/"))
    assert "Kitchen tablet" in devices_page and "Last used" in devices_page
    response = guardian.client.submit(f"/family/devices/{device_id}/revoke")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(Device)).all() == []
        assert (
            db.session.scalars(
                sa.select(LoginSession).where(LoginSession.child_id.is_not(None))
            ).all()
            == []
        )
    response = client.get("/me/")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/me/"
    assert client.get("/who").headers["Location"] == "/login"
    assert client.get_cookie("__Host-device") is None


def test_auth_events_are_audited_without_secrets(app, family, client, caplog):
    """Security target 17: one record per event; no password, PIN or token in any log line."""
    caplog.set_level(logging.DEBUG)
    unlock(client, family["mo"], "1357")
    unlock(client, family["mo"])
    client.submit("/logout")
    actions = audit_actions(app)
    for expected in [
        ("signup", "success"),
        ("pin_set", "success"),
        ("device_enrol", "success"),
        ("pin_unlock", "failure"),
        ("pin_unlock", "success"),
        ("logout", "success"),
    ]:
        assert expected in actions
    with app.app_context():
        rows = db.session.scalars(sa.select(AuditEvent)).all()
        assert all(row.at is not None and row.family_id is not None for row in rows)
        assert any(row.device_id is not None for row in rows if row.action == "pin_unlock")
    everything = repr(snapshot(app)["audit_event"]) + caplog.text
    for secret in (PIN, "1357", PASSWORD, client.get_cookie("__Host-device").value):
        assert secret not in everything
