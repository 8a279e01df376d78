"""Sign-up and joining by invite say whether an address has an account, so attempts are
limited per email address and per client address, in the database for every worker."""

from __future__ import annotations

import sqlalchemy as sa

from supervisor.accounts.signup_throttle import client_key
from supervisor.extensions import db
from supervisor.models import AuditEvent, Family, Guardian, Invite, SignupThrottle
from tests.conftest import PASSWORD, UK, Auth, text
from tests.test_family import invite_link

TAKEN = "An account with this email already exists"
TOO_MANY = "Too many attempts to create an account from here or with this email address."


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def audit_rows(app, action: str) -> list[tuple[str, str | None]]:
    with app.app_context():
        return [
            (row.outcome, row.subject)
            for row in db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        ]


def test_signups_with_one_email_are_limited_and_open_again(app, clock, auth):
    assert auth.signup().status_code == 302
    auth.logout()
    for _ in range(9):
        taken = auth.signup(email="ADA@example.org", family="The Guessers")
        assert taken.status_code == 200 and TAKEN in text(taken)
    refused = auth.signup(email="ada@example.org", name="Eve", family="The Guessers")
    page = text(refused)
    assert refused.status_code == 429
    assert f"{TOO_MANY} Try again in 15 minutes." in page
    assert 'value="Eve"' in page and 'value="The Guessers"' in page
    assert 'value="ada@example.org"' in page and PASSWORD not in page
    assert count(app, Family) == count(app, Guardian) == 1
    assert audit_rows(app, "signup") == [("success", None)] + [
        ("failure", "ada@example.org")
    ] * 9 + [("denied", "ada@example.org")]

    clock.advance(minutes=14, seconds=59)
    assert auth.signup().status_code == 429
    clock.advance(seconds=1)
    assert TAKEN in text(auth.signup())


def test_signups_from_one_client_are_limited_and_open_again(app, clock, client):
    for n in range(20):
        assert Auth(client).signup(email=f"parent{n}@example.org").status_code == 302
    refused = Auth(client).signup(email="someone.new@example.org")
    assert refused.status_code == 429
    assert f"{TOO_MANY} Try again in 60 minutes." in text(refused)
    assert count(app, Guardian) == 20

    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert Auth(elsewhere).signup(email="someone.new@example.org").status_code == 302
    clock.advance(hours=1)
    assert Auth(client).signup(email="another.new@example.org").status_code == 302


def test_two_workers_share_the_counts(app, second_worker, clock, auth):
    other = Auth(second_worker.test_client())
    for attempt in range(10):
        (auth if attempt % 2 else other).signup(email="ada@example.org")
    assert auth.signup(email="ada@example.org").status_code == 429
    assert other.signup(email="ada@example.org").status_code == 429


def test_joining_by_invite_counts_with_sign_up(app, clock, auth, client):
    auth.signup()
    path = invite_link(client)
    auth.logout()
    form = {"name": "Grace", "password": PASSWORD, "confirm": PASSWORD}
    for _ in range(9):
        taken = client.submit(path, data={**form, "email": "ada@example.org"})
        assert taken.status_code == 200 and TAKEN in text(taken)
    refused = client.submit(path, data={**form, "email": "ada@example.org"})
    page = text(refused)
    assert refused.status_code == 429 and TOO_MANY in page
    assert 'value="Grace"' in page and 'value="ada@example.org"' in page and PASSWORD not in page
    with app.app_context():
        assert db.session.scalars(sa.select(Invite.accepted_at)).one() is None
    assert audit_rows(app, "join_family") == [("failure", "ada@example.org")] * 9 + [
        ("denied", "ada@example.org")
    ]

    assert client.submit(path, data={**form, "email": "grace@example.org"}).status_code == 302
    assert count(app, Guardian) == 2


def test_ipv6_clients_count_by_their_64_prefix():
    assert (
        client_key("2001:db8:1:1::1") == client_key("2001:db8:1:1:ffff::2") == "2001:db8:1:1::/64"
    )
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:1::1")
    assert client_key("::ffff:203.0.113.9") == "203.0.113.9"
    assert client_key("203.0.113.9") == "203.0.113.9"


def test_daily_upkeep_forgets_counts_whose_window_is_over(app, clock, auth):
    auth.signup()
    runner = app.test_cli_runner()
    assert count(app, SignupThrottle) == 2  # the email address and the client address
    clock.advance(minutes=15)
    assert (
        "Forgot 1 expired sign-up count(s)." in runner.invoke(args=["supervisor", "daily"]).output
    )
    clock.advance(minutes=44)
    assert "Forgot 0 expired" in runner.invoke(args=["supervisor", "daily"]).output
    clock.advance(minutes=1)
    assert "Forgot 1 expired" in runner.invoke(args=["supervisor", "daily"]).output
    assert count(app, SignupThrottle) == 0


def test_behind_a_trusted_proxy_each_client_counts_apart(migrated_database, tmp_path):
    """With TRUSTED_PROXIES=1 the client is the proxy's X-Forwarded-For, not the proxy itself;
    with the default 0 the header is ignored and cannot be used to dodge the limit."""
    from tests.conftest import _fresh_database_url, make_app

    for hops, counted in ((1, "203.0.113.7"), (0, "127.0.0.1")):
        (tmp_path / str(hops)).mkdir()
        url = _fresh_database_url(migrated_database, tmp_path / str(hops))
        app = make_app(url, TRUSTED_PROXIES=hops)
        client = app.test_client()
        client.submit(
            "/signup",
            data={"name": "Ann", "family_name": "The Annings", "email": "ann@example.org",
                  "password": PASSWORD, "confirm": PASSWORD, **UK},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )  # fmt: skip
        with app.app_context():
            clients = db.session.scalars(
                sa.select(SignupThrottle.address).where(SignupThrottle.scope == "client")
            ).all()
        with app.app_context():
            db.engine.dispose()  # after the session above has given its connection back
        assert clients == [counted], hops
