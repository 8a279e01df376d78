"""The shared tablet's guards as a child meets them in the browser (security targets 1, 7, 11)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.checks import PageChecks
from tests.browser.family_tablet import enrol_tablet
from tests.browser.steps import PIN, Tablet
from tests.conftest import Auth, FakeClock, add_child


@pytest.fixture
def tablet(words, context: BrowserContext, page: Page, live_app, clock: FakeClock) -> Tablet:
    """A family with one child (PIN set) whose browser is the family tablet, at the picker.
    The family is made with the test client and the browser given its tablet cookie: the
    journey (test_journey.py) makes a family tablet through the pages."""
    app, address = live_app
    guardian = Auth(app.test_client())
    guardian.signup()
    add_child(guardian.client, "Mo", PIN, birth_year=2013)
    enrol_tablet(app, guardian.client, address, context, "Kitchen tablet")
    tablet = Tablet(page, words)
    page.goto("/who")
    tablet.expect_heading("Who's using Kitchen tablet?")
    return tablet


def test_a_child_on_a_guardian_page_gets_a_friendly_403(tablet: Tablet):
    """Security target 1: the child's session cannot open guardian pages, and is told why."""
    tablet.open_child("Mo")
    for url in ("/family/", "/family/devices/", "/account"):
        response = tablet.page.goto(url)
        assert response is not None and response.status == 403
        tablet.expect_heading("Not for this profile")
        tablet.checks(tablet.page)
    tablet.click(tablet.page.get_by_role("main").get_by_role("button", name="Switch person"))
    tablet.expect_heading("Who's using Kitchen tablet?")
    assert tablet.checks.problems == {}


def test_five_wrong_pins_lock_the_profile(tablet: Tablet, clock: FakeClock):
    """Security target 7: five wrong PINs make even the right PIN wait."""
    tablet.click(tablet.link(re.compile("^Mo")))
    for _ in range(5):
        tablet.page.get_by_label("Your PIN").fill("1357")
        tablet.click(tablet.button("Open my profile"))
    expect(tablet.page.get_by_role("alert")).to_contain_text(
        "Too many wrong PINs. Try again after 09:01."
    )
    tablet.page.get_by_label("Your PIN").fill(PIN)
    tablet.click(tablet.button("Open my profile"))
    tablet.expect_heading("Hi Mo!")
    expect(tablet.page.get_by_role("alert")).to_contain_text(
        "Too many wrong PINs. Try again after 09:01."
    )
    tablet.page.goto("/who")
    expect(tablet.link(re.compile("^Mo"))).to_contain_text("Wait until")

    clock.advance(minutes=1, seconds=1)
    tablet.page.reload()
    tablet.open_child("Mo")
    expect(tablet.page.get_by_role("link", name="My lessons")).to_be_visible()
    assert tablet.checks.problems == {}


def test_the_idle_lock_returns_to_the_picker(tablet: Tablet, clock: FakeClock):
    """Security target 11: a child idle for 30 minutes must unlock again."""
    tablet.open_child("Mo")
    clock.advance(minutes=29)
    tablet.click(tablet.link("My lessons"))
    tablet.expect_heading("My lessons")
    clock.advance(minutes=31)
    tablet.click(tablet.link("My page", exact=True))
    tablet.expect_heading("Who's using Kitchen tablet?")
    tablet.expect_status("The profile locked itself after a while without use. Pick who's using.")
    assert tablet.checks.problems == {}


def test_the_checks_find_what_they_look_for(page: Page):
    """The page checks fail on a page with a missing label, a tiny button, no visible focus and
    a control that Tab cannot reach, so a clean report means something."""
    page.set_content(
        """<!doctype html><html lang="en"><head><title>Bad</title>
        <style>button { outline: none; } .tiny { width: 20px; height: 20px; }</style></head>
        <body><main><h1>Bad</h1><input type="text">
        <button class="tiny">Go</button><a href="/x" tabindex="-2" class="tiny">X</a>
        </main></body></html>"""
    )
    checks = PageChecks()
    checks(page)
    found = " | ".join(next(iter(checks.problems.values())))
    assert "label (critical)" in found
    assert 'button "Go" is 20x20 px' in found
    assert 'button "Go" has no visible focus' in found
    assert 'a "X" is not reachable by Tab' in found


def test_who_can_help_is_one_tap_away_for_the_child_and_for_the_guardian(tablet: Tablet):
    """From any page of their profile a child reaches the helplines, whose numbers dial; the
    guardian's page is in their navigation. Both pages pass the checks (targets, keyboard, axe)."""
    main = tablet.page.get_by_role("navigation", name="Main")
    tablet.open_child("Mo")
    tablet.click(tablet.link("My lessons"))
    tablet.click(main.get_by_role("link", name="Who can help"))
    tablet.expect_heading("Who can help")
    expect(tablet.link("Call 0800 1111")).to_have_attribute("href", "tel:08001111")
    tablet.switch_person()
    tablet.open_guardian()
    tablet.click(main.get_by_role("link", name="Who can help"))
    tablet.expect_heading("Who can help")
    expect(
        tablet.page.get_by_role("heading", name="Where to report something online")
    ).to_be_visible()
    assert tablet.checks.problems == {}
