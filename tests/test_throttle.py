"""Sign-in throttling (security target 9), kept in the database for every worker."""

from __future__ import annotations

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
