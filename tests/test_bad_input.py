"""Bad input in a URL, a query string or behind a vanished account answers in plain words:
404 or 400 and the error page, never 500 (security target 15)."""

from __future__ import annotations

import re

from tests.conftest import add_child, text

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
