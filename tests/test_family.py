"""Child profiles and invites for a second guardian, end to end through the pages."""

from __future__ import annotations

import re

import sqlalchemy as sa

from supervisor.extensions import db
from supervisor.models import Child, Guardian, Invite
from tests.conftest import PASSWORD, Auth, text

CHILD = {
    "display_name": "Mo",
    "avatar": "fox",
    "colour": "sky",
    "birth_year": "2014",
    "birth_month": "5",
}


def children(app):
    with app.app_context():
        return db.session.scalars(sa.select(Child).order_by(Child.id)).all()


def test_add_edit_and_remove_a_child(app, auth, client):
    auth.signup()
    response = client.submit("/family/children/new", data=CHILD)
    assert response.status_code == 302
    assert "Mo&#39;s profile is ready" in text(client.get("/family/"))
    (child,) = children(app)
    assert (
        child.display_name,
        child.avatar,
        child.colour,
        child.birth_year,
        child.birth_month,
    ) == ("Mo", "fox", "sky", 2014, 5)

    edit_page = text(client.get(f"/family/children/{child.id}/edit"))
    assert 'value="Mo"' in edit_page and "Born May 2014" in edit_page
    assert 'name="birth_year"' not in edit_page  # a correction has its own, guarded page
    response = client.submit(
        f"/family/children/{child.id}/edit",
        data={**CHILD, "display_name": "Morgan", "avatar": "octopus", "birth_month": "6"},
    )
    assert response.status_code == 302
    (child,) = children(app)
    assert (child.display_name, child.avatar, child.birth_month) == ("Morgan", "octopus", 5)
    correction = text(client.get(f"/family/children/{child.id}/birth-date"))
    assert '<option selected value="5">May</option>' in correction
    response = client.submit(
        f"/family/children/{child.id}/birth-date",
        data={"birth_year": "2014", "birth_month": "6", "reason": "I mixed up the months."},
    )
    assert response.status_code == 302
    (child,) = children(app)
    assert (child.birth_year, child.birth_month) == (2014, 6)

    confirm = client.get(f"/family/children/{child.id}/delete")
    assert "Remove" in text(confirm) and children(app)  # GET only asks
    wrong = client.submit(f"/family/children/{child.id}/delete", data={"name": "Mo"})
    assert wrong.status_code == 200 and "Type the name exactly: Morgan" in text(wrong)
    assert children(app)
    response = client.submit(f"/family/children/{child.id}/delete", data={"name": "Morgan"})
    assert response.status_code == 302
    assert children(app) == []


def test_child_form_errors_keep_the_input(app, clock, auth, client):
    auth.signup()
    response = client.submit(
        "/family/children/new", data={**CHILD, "display_name": "Zed", "birth_year": "2031"}
    )
    page = text(response)
    assert response.status_code == 200
    assert "The birth year can&#39;t be in the future." in page
    assert 'value="Zed"' in page and 'value="2031"' in page
    response = client.submit(
        "/family/children/new", data={**CHILD, "birth_year": "2026", "birth_month": "7"}
    )
    assert "That month hasn&#39;t happened yet this year." in text(response)
    for year, message in [
        ("1900", "Enter a year from 2007 to 2026."),
        ("-5", "Enter a year from 2007 to 2026."),
        ("99999999999999999999", "The birth year can&#39;t be in the future."),
        ("abc", "Not a valid integer value."),
        ("", "Enter the year of birth"),
    ]:
        response = client.submit("/family/children/new", data={**CHILD, "birth_year": year})
        assert response.status_code == 200 and message in text(response), year
    for field, value in [
        ("birth_month", "13"),
        ("avatar", "💣"),
        ("avatar", "🦊"),  # what the form took before avatars had names
        ("colour", "#ff0000"),
        ("display_name", ""),
        ("display_name", "x" * 41),
    ]:
        response = client.submit("/family/children/new", data={**CHILD, field: value})
        assert response.status_code == 200, (field, value)
        assert 'class="error"' in text(response), (field, value)
    assert children(app) == []


def test_only_birth_year_and_month_are_stored(app):
    """Security target 18: no full birth date column anywhere."""
    columns = set(Child.__table__.columns.keys())
    assert {"birth_year", "birth_month"} <= columns
    assert not any("date" in name or "day" in name for name in columns)


def invite_link(client) -> str:
    response = client.submit("/family/invites")
    assert response.status_code == 200
    match = re.search(r'value="https?://[^/]+(/invite/[^"]+)"', text(response))
    assert match, text(response)
    return match.group(1)


def join(client, path, email="grace@example.org"):
    return client.submit(
        path, data={"name": "Grace", "email": email, "password": PASSWORD, "confirm": PASSWORD}
    )


def test_invite_a_second_guardian(app, auth, client):
    auth.signup()
    path = invite_link(client)
    assert "Invite links not used yet" in text(client.get("/family/"))
    auth.logout()

    page = text(client.get(path))
    assert "Join The Lovelaces" in page and "Ada invited you" in page
    response = join(client, path)
    assert response.status_code == 302
    home = text(client.get("/family/"))
    assert "Grace (you)" in home and "Ada" in home
    with app.app_context():
        grace = db.session.scalars(sa.select(Guardian).where(Guardian.name == "Grace")).one()
        ada = db.session.scalars(sa.select(Guardian).where(Guardian.name == "Ada")).one()
        assert grace.family_id == ada.family_id
        invite = db.session.scalars(sa.select(Invite)).one()
        assert invite.accepted_by_id == grace.id
        assert path.rsplit("/", 1)[1] not in invite.token_hash  # only a digest is kept

    auth.logout()
    again = join(client, path, email="mallory@example.org")
    assert again.status_code == 410
    assert "already been used" in text(again)


def test_expired_invite_is_refused_with_a_message(app, clock, auth, client):
    auth.signup()
    path = invite_link(client)
    auth.logout()
    clock.advance(hours=72, seconds=1)
    response = join(client, path)
    assert response.status_code == 410
    assert "This invite link has expired" in text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Guardian)) == 1


def test_unknown_invite_and_used_email(app, auth, client):
    auth.signup()
    path = invite_link(client)
    auth.logout()
    assert client.get("/invite/not-a-token").status_code == 410
    response = join(client, path, email="ada@example.org")
    assert response.status_code == 200
    assert "An account with this email already exists" in text(response)
    assert join(client, path).status_code == 302  # the invite still works


def test_cancelled_invite_no_longer_works(app, auth, client):
    auth.signup()
    path = invite_link(client)
    with app.app_context():
        invite_id = db.session.scalars(sa.select(Invite.id)).one()
    assert client.submit(f"/family/invites/{invite_id}/revoke").status_code == 302
    auth.logout()
    assert join(client, path).status_code == 410


def test_guardian_pages_need_sign_in(client):
    for path in ("/family/", "/family/children/new", "/account"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_invited_guardian_can_sign_in_later(auth, client):
    auth.signup()
    path = invite_link(client)
    auth.logout()
    join(client, path)
    auth.logout()
    assert Auth(client).login(email="grace@example.org").status_code == 302
