"""What a guardian's page puts first on the tablet: the navigation on one row at the
tablet's portrait width, with "Switch person" visible but quiet."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.family_tablet import make_family_tablet
from tests.browser.steps import Tablet, screenshot
from tests.conftest import FakeClock

BOXES_JS = """
() => [...document.querySelectorAll('.site-header .brand, .site-header nav > *')]
  .map((el) => {
    const box = el.getBoundingClientRect();
    return {text: el.innerText.trim(), top: box.top, bottom: box.bottom, right: box.right};
  })
"""


def test_the_guardian_navigation_is_one_row_at_820_px_and_switch_person_is_quiet(
    words, context: BrowserContext, page: Page, live_app: tuple[Flask, str], clock: FakeClock
):
    app, address = live_app
    family = make_family_tablet(app, address, context)
    tablet = Tablet(page, words)
    page.goto("/who")
    tablet.open_guardian()
    for url in ("/family/", f"/family/tracks/{family.track_id}", "/family/prompts"):
        page.goto(url)
        boxes = page.evaluate(BOXES_JS)
        assert [box["text"] for box in boxes][1:] == [
            "Family",
            "Prompts",
            "Tablets",
            "Account",
            "Who can help",
            "Ada",
            "Switch person",
        ]
        assert boxes[0]["text"].endswith("Supervisor")
        middles = [(box["top"] + box["bottom"]) / 2 for box in boxes]
        assert max(middles) - min(middles) < 4, boxes
        assert max(box["right"] for box in boxes) <= 820
    # Visible, with an outline, but no fill: the page's own main action stays the loudest.
    switch = page.get_by_role("banner").get_by_role("button", name="Switch person")
    expect(switch).to_be_visible()
    fill, border = switch.evaluate(
        "(el) => { const s = getComputedStyle(el); return [s.backgroundColor, s.borderTopWidth]; }"
    )
    assert fill == "rgba(0, 0, 0, 0)" and border == "2px"
    page.goto("/family/")
    screenshot(page, SCREENSHOTS / "hierarchy", "family-home")


def test_the_permit_page_starts_with_jump_links_to_each_of_its_cards(
    words, context: BrowserContext, page: Page, live_app: tuple[Flask, str], clock: FakeClock
):
    app, address = live_app
    family = make_family_tablet(app, address, context)
    tablet = Tablet(page, words)
    page.goto("/who")
    tablet.open_guardian()
    page.goto(f"/family/tracks/{family.track_id}")
    tablet.checks(page)
    screenshot(page, SCREENSHOTS / "hierarchy", "permit")
    jumps = page.get_by_role("navigation", name="On this page").get_by_role("link")
    names = jumps.all_inner_texts()
    assert names == [
        "Next step",
        "Needed for Licence",
        "Guardian checklist",
        "How a guardian looks in",
        "Privacy settings walkthrough",
        "Check-ins",
        "Learning moments",
        "Sign off Licence",
        "Step back to Instruction",
        "History",
    ]
    # Each link leads to the heading of the same name, brought into view.
    for name in names:
        page.get_by_role("navigation", name="On this page").get_by_role("link", name=name).click()
        target = page.locator(page.evaluate("location.hash"))
        assert target.inner_text().startswith(name)
        expect(target).to_be_in_viewport()
        page.goto(f"/family/tracks/{family.track_id}")
    assert tablet.checks.problems == {}
