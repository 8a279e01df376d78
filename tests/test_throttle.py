"""Sign-in throttling (security target 9), kept in the database for every worker."""

from __future__ import annotations

import sqlalchemy as sa

from supervisor import passwords
from supervisor.extensions import db
from supervisor.models import AuditEvent, Guardian
from tests.conftest import PASSWORD, Auth, text

WRONG = "definitely not it"


def test_ten_failures_lock_the_account_for_fifteen_minutes(clock, auth, client):
    auth.signup()
    auth.logout()
    for _ in range(9):
        assert auth.login(password=WRONG).status_code == 200
    tenth = auth.login(password=WRONG)
    assert tenth.status_code == 429
    assert "Too many failed attempts for this account" in text(tenth)
    assert "15 minutes" in text(tenth)

    refused = auth.login(password=PASSWORD)  # even the right password waits
    assert refused.status_code == 429
    clock.advance(minutes=14)
    assert auth.login(password=PASSWORD).status_code == 429
    clock.advance(minutes=1, seconds=1)
    assert auth.login(password=PASSWORD).status_code == 302


def test_failures_outside_the_window_do_not_add_up(clock, auth):
    auth.signup()
    auth.logout()
    for _ in range(9):
        auth.login(password=WRONG)
    clock.advance(minutes=16)
    for _ in range(9):
        assert auth.login(password=WRONG).status_code == 200
    assert auth.login(password=PASSWORD).status_code == 302


def test_success_clears_the_count(clock, auth):
    auth.signup()
    auth.logout()
    for _ in range(9):
        auth.login(password=WRONG)
    assert auth.login().status_code == 302
    auth.logout()
    for _ in range(9):
        assert auth.login(password=WRONG).status_code == 200


def test_unknown_addresses_are_throttled_alike(clock, auth):
    for _ in range(9):
        assert auth.login(email="ghost@example.org", password=WRONG).status_code == 200
    assert auth.login(email="ghost@example.org", password=WRONG).status_code == 429


def test_lock_is_shared_by_two_workers(second_worker, clock, auth):
    """Two app instances (as two worker processes would be) share one count."""
    auth.signup()
    auth.logout()
    other = Auth(second_worker.test_client())
    for attempt in range(10):
        (auth if attempt % 2 else other).login(password=WRONG)
    assert other.login(password=PASSWORD).status_code == 429
    assert auth.login(password=PASSWORD).status_code == 429


def lock_out(auth: Auth) -> str:
    """Ten wrong passwords in a row; the tenth locks the account. Returns the locked page."""
    for _ in range(9):
        assert auth.login(password=WRONG).status_code == 200
    locked = auth.login(password=WRONG)
    assert locked.status_code == 429
    return text(locked)


def test_locks_in_a_row_grow_to_four_hours_and_stay_there(clock, auth):
    """Security target 9: delays grow, and the account is never locked for good."""
    auth.signup()
    auth.logout()
    for minutes, says in (
        (15, "15 minutes"),
        (60, "60 minutes"),
        (240, "4 hours"),
        (240, "4 hours"),
    ):
        assert f"Try again in {says}." in lock_out(auth)
        clock.advance(minutes=minutes - 1)
        assert auth.login(password=PASSWORD).status_code == 429
        clock.advance(minutes=1, seconds=1)
    assert auth.login(password=PASSWORD).status_code == 302


def test_locks_count_in_a_row_across_two_workers(second_worker, clock, auth):
    auth.signup()
    auth.logout()
    assert "15 minutes" in lock_out(Auth(second_worker.test_client()))
    clock.advance(minutes=15, seconds=1)
    assert "60 minutes" in lock_out(auth)


def test_a_successful_sign_in_starts_the_lock_count_again(clock, auth):
    auth.signup()
    auth.logout()
    lock_out(auth)
    clock.advance(minutes=15, seconds=1)
    assert "60 minutes" in lock_out(auth)
    clock.advance(hours=1, seconds=1)
    assert auth.login(password=PASSWORD).status_code == 302
    auth.logout()
    assert "15 minutes" in lock_out(auth)


def test_the_lock_count_starts_again_a_day_after_the_last_lock(clock, auth):
    auth.signup()
    auth.logout()
    lock_out(auth)
    clock.advance(minutes=15, seconds=1)
    assert "60 minutes" in lock_out(auth)
    clock.advance(hours=1 + 23, minutes=59)  # the last lock ended 23 h 59 min ago
    assert "4 hours" in lock_out(auth)
    clock.advance(hours=4 + 24)
    assert "15 minutes" in lock_out(auth)


def test_each_lock_is_in_the_family_audit_log_without_the_password(app, clock, auth):
    auth.signup()
    auth.logout()
    lock_out(auth)
    with app.app_context():
        family_id = db.session.scalars(sa.select(Guardian.family_id)).one()
        rows = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "login_lockout")
        ).all()
        assert [(r.outcome, r.family_id, r.subject) for r in rows] == [
            ("denied", family_id, "ada@example.org")
        ]
        logged = db.session.scalars(sa.select(AuditEvent)).all()
    assert all(WRONG not in repr(vars(row)) for row in logged)


def change_password(client, current: str):
    new = "a brand new password"
    return client.submit(
        "/account", data={"current_password": current, "password": new, "confirm": new}
    )


def test_wrong_current_passwords_on_the_account_page_lock_sign_in_too(
    app, clock, auth, client, monkeypatch
):
    """A session holder cannot guess the password on the account page instead of sign-in."""
    auth.signup()
    for _ in range(9):
        refused = change_password(client, WRONG)
        assert refused.status_code == 200
        assert "That is not your current password" in text(refused)
    tenth = change_password(client, WRONG)
    assert tenth.status_code == 429
    assert "Too many failed attempts for this account. Try again in 15 minutes." in text(tenth)

    checked = []
    monkeypatch.setattr(passwords, "verify_secret", lambda *a: checked.append(a) or True)
    locked = change_password(client, PASSWORD)
    assert locked.status_code == 429 and "Too many failed attempts" in text(locked)
    assert checked == []  # no hash is checked while the lock lasts
    monkeypatch.undo()

    auth.logout()
    assert auth.login(password=PASSWORD).status_code == 429
    clock.advance(minutes=15, seconds=1)
    assert auth.login(password=PASSWORD).status_code == 302  # the password never changed
    with app.app_context():
        outcomes = db.session.scalars(
            sa.select(AuditEvent.outcome).where(AuditEvent.action == "password_change")
        ).all()
    assert outcomes == ["failure"] * 11


def test_account_page_and_sign_in_failures_add_up_across_workers(
    second_worker, clock, auth, client
):
    auth.signup()
    for _ in range(5):
        assert change_password(client, WRONG).status_code == 200
    other = Auth(second_worker.test_client())
    for _ in range(4):
        assert other.login(password=WRONG).status_code == 200
    assert other.login(password=WRONG).status_code == 429
    assert change_password(client, PASSWORD).status_code == 429


def test_step_up_passwords_count_and_a_lock_says_how_long(clock, auth, client):
    """The password typed for a sensitive action is guessed no more freely than at sign-in."""
    auth.signup()
    clock.advance(minutes=6)  # the sign-in password is no longer fresh
    for _ in range(9):
        wrong = client.submit("/family/export", data={"reauth_password": WRONG})
        assert wrong.status_code == 401 and "That password isn" in text(wrong)
    locked = client.submit("/family/export", data={"reauth_password": WRONG})
    assert locked.status_code == 429
    assert "Too many failed attempts for this account. Try again in 15 minutes." in text(locked)
    right = client.submit("/family/export", data={"reauth_password": PASSWORD})
    assert right.status_code == 429  # no hash is checked while locked
    auth.logout()
    assert auth.login().status_code == 429  # and signing in waits too
