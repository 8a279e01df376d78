"""Forms for fingers in a real browser: sign-up starts from the device's own country and time
zone, the zones follow the country, and the Copy button puts an invite link on the clipboard."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from supervisor.extensions import db
from supervisor.models import Family
from tests.browser.conftest import PORTRAIT
from tests.browser.steps import Tablet
from tests.conftest import PASSWORD


@pytest.fixture
def chicago(browser: Browser, live_app: tuple[Flask, str]) -> Iterator[Page]:
    """A tablet in Chicago whose pages may use the clipboard."""
    context = browser.new_context(
        base_url=live_app[1],
        viewport=PORTRAIT,
        has_touch=True,
        locale="en-US",
        timezone_id="America/Chicago",
        permissions=["clipboard-read", "clipboard-write"],
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_signup_starts_from_the_device_zone_and_copy_puts_the_link_on_the_clipboard(
    words, chicago: Page, live_app: tuple[Flask, str]
):
    tablet = Tablet(chicago, words)
    chicago.goto("/signup")
    tablet.checks(chicago)
    country, zone = chicago.get_by_label("Country"), chicago.get_by_label("Time zone")
    expect(country).to_have_value("US")
    expect(zone).to_have_value("America/Chicago")
    expect(chicago.get_by_text("Chosen from this device's settings")).to_be_visible()

    # A country with one zone asks nothing; another country offers its own zones.
    country.select_option(label="Iceland")
    expect(zone).to_be_hidden()
    expect(chicago.get_by_text("Time zone: Reykjavik, the only one in Iceland.")).to_be_visible()
    expect(chicago.get_by_text("Chosen from this device's settings")).to_be_hidden()
    country.select_option(label="Australia")
    expect(zone).to_be_visible()
    expect(zone).to_have_value("")  # not this device's zone: the family chooses
    zone.select_option(label="Perth — Western Australia (most areas)")
    country.select_option(label="United States")
    expect(zone).to_have_value("America/Chicago")

    chicago.get_by_label("Your name").fill("Ada")
    chicago.get_by_label("Family name").fill("The Lovelaces")
    chicago.get_by_label("Email").fill("ada@example.org")
    chicago.get_by_label("Password", exact=True).fill(PASSWORD)
    chicago.get_by_label("Type the password again").fill(PASSWORD)
    tablet.click(tablet.button("Create our family"))
    tablet.expect_heading("The Lovelaces")
    with live_app[0].app_context():
        family = db.session.query(Family).one()
        assert (family.country, family.timezone) == ("US", "America/Chicago")

    # The settings start from what the family saved, and follow a new country the same way.
    chicago.goto("/family/settings")
    expect(country).to_have_value("US")
    expect(zone).to_have_value("America/Chicago")
    country.select_option(label="Japan")
    expect(chicago.get_by_text("Time zone: Tokyo, the only one in Japan.")).to_be_visible()

    chicago.goto("/family/")
    tablet.click(tablet.button("Invite another guardian"))
    tablet.expect_heading("Invite link for another guardian")
    link = chicago.get_by_label("Invite link").input_value()
    assert "/invite/" in link
    tablet.click(tablet.button("Copy the link"))
    tablet.expect_status("Copied. Paste it where you want it.")
    assert chicago.evaluate("navigator.clipboard.readText()") == link
    assert tablet.checks.problems == {}
