"""Sign-up, sign-in, sign-out, password change and the server-side session."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, Type, extract_parameters

from config import Config, ProductionConfig
from supervisor import passwords
from supervisor.extensions import db
from supervisor.models import Family, Guardian, LoginSession
from tests.conftest import PASSWORD, UK, Auth, _fresh_database_url, make_app, text


def guardians(app):
    with app.app_context():
        return db.session.scalars(sa.select(Guardian)).all()


@pytest.fixture
def configured_lengths(migrated_database, tmp_path, monkeypatch):
    """The app deployed with SUPERVISOR_PASSWORD_MIN_LENGTH=16 and _MAX_LENGTH=24."""
    monkeypatch.setenv("SUPERVISOR_PASSWORD_MIN_LENGTH", "16")
    monkeypatch.setenv("SUPERVISOR_PASSWORD_MAX_LENGTH", "24")
    app = make_app(_fresh_database_url(migrated_database, tmp_path))
    yield app
    with app.app_context():
        db.engine.dispose()


def test_configured_password_lengths_hold_at_sign_up_and_password_change(configured_lengths):
    app = configured_lengths
    assert app.config["PASSWORD_MIN_LENGTH"] == 16
    client = app.test_client()
    base = {"name": "Ada", "family_name": "L", "email": "a@example.org", **UK}
    page = text(client.get("/signup"))
    assert 'maxlength="24" minlength="16"' in page
    for refused in ("a" * 15, "a" * 25):  # 10 to 128 would take both
        response = client.submit("/signup", data={**base, "password": refused, "confirm": refused})
        assert response.status_code == 200
        assert "Use 16 to 24 characters" in text(response)
    assert guardians(app) == []
    chosen = "a" * 16
    response = client.submit("/signup", data={**base, "password": chosen, "confirm": chosen})
    assert response.status_code == 302
    assert len(guardians(app)) == 1

    def change(new):
        return client.submit(
            "/account", data={"current_password": chosen, "password": new, "confirm": new}
        )

    for refused in ("b" * 15, "b" * 25):
        response = change(refused)
        assert response.status_code == 200
        assert "Use 16 to 24 characters" in text(response)
    assert change("b" * 24).status_code == 302
    Auth(client).logout()
    assert Auth(client).login("a@example.org", "b" * 24).status_code == 302


def test_signup_creates_family_and_signs_in(app, auth, client):
    response = auth.signup(email="  Ada@Example.ORG ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/family/"
    page = text(client.get("/family/"))
    assert "The Lovelaces" in page and "Ada (you)" in page
    with app.app_context():
        guardian = db.session.scalars(sa.select(Guardian)).one()
        assert guardian.email == "ada@example.org"
        assert db.session.get(Family, guardian.family_id).name == "The Lovelaces"


def test_signup_bad_input_keeps_what_was_typed(app, client):
    response = client.submit(
        "/signup",
        data={
            "name": "Ada",
            "family_name": "",
            "email": "not-an-email",
            "password": "short",
            "confirm": "short",
        },
    )
    page = text(response)
    assert response.status_code == 200
    assert "Give your family a name" in page
    assert "doesn&#39;t look like an email address" in page
    assert "Use 10 to 128 characters" in page
    assert 'value="Ada"' in page and 'value="not-an-email"' in page
    assert guardians(app) == []


def test_signup_password_rules_are_length_only(app, client):
    base = {"name": "Ada", "family_name": "L", "email": "a@example.org", **UK}
    too_long = "x" * 129
    response = client.submit("/signup", data={**base, "password": too_long, "confirm": too_long})
    assert "Use 10 to 128 characters" in text(response)
    # No composition rules: ten lower-case letters are fine, and so are 128 characters.
    response = client.submit("/signup", data={**base, "password": "a" * 128, "confirm": "a" * 128})
    assert response.status_code == 302
    assert len(guardians(app)) == 1


def test_signup_mismatched_confirmation(app, client):
    response = client.submit(
        "/signup",
        data={
            "name": "Ada",
            "family_name": "L",
            **UK,
            "email": "a@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD + "x",
        },
    )
    assert "The two passwords are not the same" in text(response)
    assert guardians(app) == []


def test_signup_with_used_email_is_refused_with_message(app, auth, client):
    auth.signup()
    auth.logout()
    response = auth.signup(email="ADA@example.org", family="Another family")
    assert response.status_code == 200
    assert "An account with this email already exists" in text(response)
    assert 'value="Another family"' in text(response)
    assert len(guardians(app)) == 1


def test_login_and_logout(auth, client):
    auth.signup()
    auth.logout()
    assert client.get("/family/").status_code == 302
    response = auth.login(email="ADA@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/family/"
    assert client.get("/family/").status_code == 200
    response = auth.logout()
    assert response.status_code == 302
    follow = client.get("/family/")
    assert follow.status_code == 302 and follow.headers["Location"].startswith("/login")


def test_unknown_user_and_wrong_password_get_same_answer(auth, client):
    """Security target 9: no way to tell which accounts exist."""
    auth.signup()
    auth.logout()
    wrong = auth.login(password="wrong password here")
    unknown = auth.login(email="nobody@example.org", password="wrong password here")
    assert wrong.status_code == unknown.status_code == 200
    message = "That email and password don&#39;t match an account."
    assert message in text(wrong) and message in text(unknown)


def test_login_follows_only_local_next(auth, client):
    auth.signup()
    auth.logout()
    token = client.csrf_token()
    data = {"csrf_token": token, "email": "ada@example.org", "password": PASSWORD}
    response = client.post("/login?next=/account", data=data)
    assert response.headers["Location"] == "/account"
    auth.logout()
    for hostile in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        data["csrf_token"] = client.csrf_token()
        response = client.post(f"/login?next={hostile}", data=data)
        assert response.headers["Location"] == "/family/", hostile
        auth.logout()


def test_cookie_replayed_after_logout_is_anonymous(app, auth, client):
    """Security target 11: logout ends the session on the server."""
    auth.signup()
    stolen = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen)
    assert thief.get("/family/").status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(LoginSession)).all() == []


def test_login_renews_session_and_old_csrf_token_fails(app, auth, client):
    """Security target 10: a new session at sign-in; tokens from before are void."""
    auth.signup()
    auth.logout()
    old_token = client.csrf_token()
    before = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    auth.login()
    after = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert before != after
    response = client.post("/logout", data={"csrf_token": old_token})
    assert response.status_code == 400
    assert client.get("/family/").status_code == 200


def test_password_change_ends_other_sessions(app, auth, client):
    """Security target 11: a password change signs out every other browser."""
    auth.signup()
    other = app.test_client()
    Auth(other).login()
    assert other.get("/family/").status_code == 200
    response = client.submit(
        "/account",
        data={
            "current_password": PASSWORD,
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert response.status_code == 302
    assert client.get("/family/").status_code == 200
    assert other.get("/family/").status_code == 302
    auth.logout()
    assert auth.login(password=PASSWORD).status_code == 200
    assert auth.login(password="a brand new password").status_code == 302


def test_password_change_needs_current_password(auth, client):
    auth.signup()
    response = client.submit(
        "/account",
        data={
            "current_password": "not it at all",
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert "That is not your current password" in text(response)
    auth.logout()
    assert auth.login().status_code == 302


def test_the_password_window_a_page_tells_is_the_configured_one(app, clock, auth, client):
    """STEP_UP_WINDOW decides when a sensitive form asks for the password again, and the form
    says how long it is."""
    app.config["STEP_UP_WINDOW"] = timedelta(minutes=10)
    auth.signup()
    clock.advance(minutes=6)
    assert 'name="reauth_password' not in text(client.get("/account"))
    clock.advance(minutes=5)
    page = text(client.get("/account"))
    assert 'name="reauth_password' in page
    assert "typed in the last 10 minutes." in page


def test_idle_session_expires_on_the_server(clock, auth, client):
    """Security target 11: 30 idle minutes on a guardian's own browser end the session."""
    auth.signup()
    clock.advance(minutes=29)
    assert client.get("/family/").status_code == 200
    clock.advance(minutes=29)
    assert client.get("/family/").status_code == 200  # activity keeps it alive
    clock.advance(minutes=31)
    assert client.get("/family/").status_code == 302


def test_session_has_absolute_limit(clock, auth, client):
    """Security target 11: 12 hours at most, however active."""
    auth.signup()
    for _ in range(47):  # active every 15 minutes for 11 h 45 min
        clock.advance(minutes=15)
        assert client.get("/family/").status_code == 200
    clock.advance(minutes=16)
    assert client.get("/family/").status_code == 302


def test_shipped_hashing_costs_are_owasps_argon2id_minimum():
    """OWASP Password Storage Cheat Sheet: Argon2id at m=19456 (19 MiB), t=2, p=1; production
    takes them from ``Config`` as they are."""
    for config in (Config, ProductionConfig):
        assert (config.ARGON2_MEMORY_COST, config.ARGON2_TIME_COST) == (19456, 2)
        assert config.ARGON2_PARALLELISM == 1


def test_password_hash_is_argon2id_with_owasp_parameters(production_hashing):
    """Security target 6: argon2id, m>=19 MiB, t>=2, p=1, 16-byte salt."""
    app = production_hashing
    Auth(app.test_client()).signup()
    stored = guardians(app)[0].password_hash
    assert stored.startswith("$argon2id$v=19$")
    parameters = extract_parameters(stored)
    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 19456 and parameters.time_cost >= 2
    assert parameters.parallelism == 1
    assert parameters.salt_len >= 16
    assert PASSWORD not in stored


def test_weaker_hash_is_upgraded_at_login(production_hashing):
    """Security target 6: outdated hashes are re-hashed with current parameters."""
    app = production_hashing
    auth = Auth(app.test_client())
    auth.signup()
    auth.logout()
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with app.app_context():
        guardian = db.session.scalars(sa.select(Guardian)).one()
        guardian.password_hash = weak
        db.session.commit()
    assert auth.login().status_code == 302
    stored = guardians(app)[0].password_hash
    assert stored != weak and "m=19456,t=2,p=1" in stored


def test_hashes_verify_whatever_the_configured_costs(app, auth, production_hashing):
    """argon2 reads the costs from the hash: lowering or raising the settings locks nobody out.
    A hash made at the shipped costs signs in on an app configured cheaper, and the other way
    round, each made again at the app's own costs."""
    cheap, shipped = app, production_hashing
    for made_on, signs_in_on in ((shipped, cheap), (cheap, shipped)):
        with made_on.app_context():
            made = passwords.hash_secret(PASSWORD)
        with signs_in_on.app_context():
            assert passwords.verify_secret(made, PASSWORD)
            assert not passwords.verify_secret(made, "not the password")
            assert passwords.needs_rehash(made)
            assert not passwords.needs_rehash(passwords.hash_secret(PASSWORD))
    auth.signup()
    auth.logout()
    with shipped.app_context():
        strong = passwords.hash_secret(PASSWORD)
    with app.app_context():
        db.session.scalars(sa.select(Guardian)).one().password_hash = strong
        db.session.commit()
    assert auth.login().status_code == 302
    assert "m=8,t=1,p=1" in guardians(app)[0].password_hash


def test_email_taken_between_check_and_insert_is_a_form_error(app, auth, client, monkeypatch):
    """A sign-up racing another one for the same address gets the message, not a 500."""
    from supervisor.accounts import operations

    auth.signup()
    auth.logout()
    monkeypatch.setattr(operations, "email_in_use", lambda email: False)
    response = auth.signup(family="Racing family")
    assert response.status_code == 200
    assert "An account with this email already exists" in text(response)
    assert len(guardians(app)) == 1
    with app.app_context():  # the failed attempt is kept, its family is not
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Family)) == 1
