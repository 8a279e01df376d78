"""Bad input in a URL, a query string or behind a vanished account answers in plain words:
404 or 400 and the error page, never 500 (security target 15)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import abort

from supervisor.extensions import db
from supervisor.models import Family
from tests.conftest import PASSWORD, add_child, text

HUGE_IDS = (str(2**31), str(2**63), "9" * 5000)  # past int4, past int8, past int() itself
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def url_with(rule: str, number: str) -> str:
    """``rule`` with ``number`` for each int argument and a plain word for any other."""
    return ARGUMENT.sub(lambda m: number if m.group(1) == "int" else "x", rule)


def test_every_out_of_range_id_is_not_found(app, auth, client):
    """One converter decides for every route: an id no table can hold is simply not found."""
    auth.signup()
    child_id = add_child(client, "Mo")
    assert client.get(f"/family/children/{child_id}/edit").status_code == 200
    assert client.get(f"/family/children/{2**31 - 1}/edit").status_code == 404
    rules = [r for r in app.url_map.iter_rules() if "<int" in r.rule]
    assert len(rules) > 20
    for rule in rules:
        for number in HUGE_IDS:
            url = url_with(rule.rule, number)
            response = client.get(url) if "GET" in rule.methods else client.submit(url)
            assert response.status_code == 404, (url, response.status_code)
            assert "Page not found" in text(response)


def sign_in_with_next(auth, client, target: str):
    auth.logout()
    data = {"csrf_token": client.csrf_token(), "email": "ada@example.org", "password": PASSWORD}
    return client.post("/login", query_string={"next": target}, data=data)


NOT_PLAIN_PATHS = [
    "/account\r\nSet-Cookie: stolen=1",
    "/account\nX-Injected: 1",
    "/account\x00",
    "/account\x0b",
    "/\t/evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\/evil.example/",
    "/%2F/evil.example/",
    "/%5Cevil.example/",
    "/account%0D%0ASet-Cookie:%20stolen=1",
    "https://evil.example/",
    "javascript:alert(1)",
    " /account",
    "account",
    "/account#\x7f",
]


def test_sign_in_follows_only_a_plain_path(auth, client):
    """Anything but a plain path on this site is ignored: the guardian lands on their page."""
    auth.signup()
    for target in NOT_PLAIN_PATHS:
        response = sign_in_with_next(auth, client, target)
        assert response.status_code == 302, repr(target)
        assert response.headers["Location"] == "/family/", repr(target)
    for target in ("/account", "/family/children/new?from=home", "/family/%C3%A9t%C3%A9"):
        response = sign_in_with_next(auth, client, target)
        assert response.headers["Location"] == target


@pytest.fixture
def vanishing_family(app, second_worker):
    """A page during which another worker deletes the signed-in guardian's family.

    It then fails (500), or commits what it did and finds nothing (404): either way the
    guardian loaded for this request is gone and their row expired.
    """

    def delete_family() -> None:
        with second_worker.app_context():
            db.session.execute(sa.delete(Family))
            db.session.commit()

    @app.get("/vanish/<outcome>")
    def vanish(outcome: str) -> str:
        from flask_login import current_user

        assert current_user.is_guardian  # the guardian is loaded before the family goes
        delete_family()
        if outcome == "missing":
            db.session.commit()
            abort(404)
        raise RuntimeError("the family went while the page was being made")

    return vanish


@pytest.mark.own_app  # it adds a page
@pytest.mark.parametrize(("outcome", "status"), [("missing", 404), ("broken", 500)])
def test_error_page_renders_when_the_guardian_was_deleted_meanwhile(
    auth, client, vanishing_family, outcome, status
):
    auth.signup()
    response = client.get(f"/vanish/{outcome}")
    assert response.status_code == status
    page = text(response)
    assert "Supervisor" in page and "Go to the start page" in page
    assert ("Page not found" if status == 404 else "Something went wrong") in page
    for leak in ("Traceback", "ObjectDeletedError", "Ada"):
        assert leak not in page
    assert client.get("/family/").status_code == 302  # the session went with the family
