"""A family made with the test client whose browser context is its tablet: Mo (13 in March
2026) has passed every lesson and has an Instagram track at the learner's permit."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask
from playwright.sync_api import BrowserContext

from tests.browser.steps import PIN
from tests.conftest import Auth, Client, add_child, pass_all_lessons


@dataclass
class FamilyTablet:
    child_id: int
    track_id: int


def make_family_tablet(app: Flask, address: str, context: BrowserContext) -> FamilyTablet:
    """The family, and its tablet cookie given to ``context`` (call with the test's clock)."""
    guardian = Auth(app.test_client())
    guardian.signup()
    client = guardian.client
    child_id = add_child(client, "Mo", PIN, birth_year=2012)
    pass_all_lessons(app, child_id)
    made = client.submit(f"/family/children/{child_id}/tracks/new", data={"platform": "instagram"})
    track_id = int(made.headers["Location"].rsplit("/", 1)[1])
    signed = client.submit(
        f"/family/tracks/{track_id}/sign-off",
        data={"from_stage": "instruction", "override_reason": "ready"},
    )
    assert signed.status_code == 302
    enrol_tablet(app, client, address, context)
    return FamilyTablet(child_id, track_id)


def enrol_tablet(
    app: Flask, client: Client, address: str, context: BrowserContext, name: str = "Kitchen tablet"
) -> None:
    """The guardian signed in on ``client`` makes a family tablet, and ``context`` (the
    browser) becomes it: the device cookie the app set, as the browser would keep it."""
    assert client.submit("/family/devices/", data={"name": name}).status_code == 302
    cookie = client.get_cookie(app.config["DEVICE_COOKIE_NAME"])
    assert cookie is not None
    context.add_cookies(
        [
            {
                "name": cookie.key,
                "value": cookie.value,
                "domain": urlsplit(address).hostname,
                "path": "/",
                "secure": True,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
