"""Common and breached passwords are refused wherever a guardian chooses one (NIST 800-63B)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from supervisor.extensions import db
from supervisor.models import Guardian, Invite
from tests.conftest import PASSWORD, UK, Auth, snapshot, text
from tests.test_family import invite_link

COMMON = ["password123", "1234567890", "qwertyuiop", "PassWord123", "QWERTYuiop", " password123 "]
MESSAGE = "That password is on a list of commonly used passwords; choose another."
NEW = "a brand new password"


@pytest.mark.parametrize("common", COMMON)
def test_signup_refuses_a_common_password_and_takes_a_good_one(app, client, common):
    form = {"name": "Ada", "family_name": "The Lovelaces", "email": "ada@example.org", **UK}
    before = snapshot(app)
    refused = client.submit("/signup", data={**form, "password": common, "confirm": common})
    page = text(refused)
    assert refused.status_code == 200
    assert MESSAGE in page
    assert 'value="Ada"' in page and 'value="The Lovelaces"' in page
    assert 'value="ada@example.org"' in page and common not in page
    assert snapshot(app) == before

    accepted = client.submit("/signup", data={**form, "password": PASSWORD, "confirm": PASSWORD})
    assert accepted.status_code == 302
    assert "Ada (you)" in text(client.get("/family/"))


@pytest.mark.parametrize("common", COMMON)
def test_join_refuses_a_common_password_and_takes_a_good_one(app, auth, client, common):
    auth.signup()
    path = invite_link(client)
    auth.logout()
    form = {"name": "Grace", "email": "grace@example.org"}
    before = snapshot(app)
    refused = client.submit(path, data={**form, "password": common, "confirm": common})
    assert refused.status_code == 200
    assert MESSAGE in text(refused) and 'value="grace@example.org"' in text(refused)
    assert snapshot(app) == before

    accepted = client.submit(path, data={**form, "password": PASSWORD, "confirm": PASSWORD})
    assert accepted.status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(Invite.accepted_by_id)).one() is not None
        assert len(db.session.scalars(sa.select(Guardian)).all()) == 2


@pytest.mark.parametrize("common", COMMON)
def test_password_change_refuses_a_common_password_and_takes_a_good_one(app, auth, client, common):
    auth.signup()
    before = snapshot(app)
    refused = client.submit(
        "/account", data={"current_password": PASSWORD, "password": common, "confirm": common}
    )
    assert refused.status_code == 200
    assert MESSAGE in text(refused)
    assert snapshot(app) == before

    accepted = client.submit(
        "/account", data={"current_password": PASSWORD, "password": NEW, "confirm": NEW}
    )
    assert accepted.status_code == 302
    auth.logout()
    assert Auth(client).login(password=NEW).status_code == 302
