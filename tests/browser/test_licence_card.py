"""The licence card, the timeline and the check-in chart in Chromium: on the dashboard, a
track page and the child's pages at tablet and phone sizes, each page passing the checks,
and the printed card a page of 85.6 x 54 mm."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.steps import PIN, Tablet
from tests.conftest import PASSWORD, FakeClock
from tests.test_licence_card import licence, story  # noqa: F401 - a fixture

SHOTS = SCREENSHOTS / "licence-card"
SIZES = {"tablet": (820, 1180), "phone": (390, 844)}
MM = 72 / 25.4  # PDF points in a millimetre


def shots(page: Page, name: str, part: Locator) -> None:
    """The page at a tablet's and a phone's size, whole, and ``part`` of it up close."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=SHOTS / f"{name}-{size}.png", full_page=True)
        part.screenshot(path=SHOTS / f"{name}-{size}-part.png")
    page.set_viewport_size({"width": 820, "height": 1180})


def test_the_card_timeline_and_chart_on_every_page_and_the_card_printed(
    words,
    page: Page,
    live_app,
    clock: FakeClock,
    story,  # noqa: F811
):
    licence(story, clock)  # Instagram: the licence from 15 April; YouTube still at instruction
    tablet = Tablet(page, words)
    page.goto("/login")
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    tablet.click(tablet.button("Sign in"))
    tablet.expect_heading("The Lovelaces")
    card = page.get_by_role("article", name="Mo")
    expect(card).to_contain_text("Social media licence")
    expect(card.get_by_role("row", name=re.compile("^Instagram"))).to_contain_text(
        "Licence 15 Apr 2026"
    )
    expect(card.get_by_role("row", name=re.compile("^YouTube"))).to_contain_text(
        "Instruction 4 Mar 2026"
    )
    shots(page, "dashboard", card)

    tablet.click(page.get_by_role("link", name=re.compile("^Instagram")).first)
    way = tablet.region("The way so far")
    expect(way).to_contain_text("Licence: since 15 Apr 2026 (now)")
    expect(way).to_contain_text("6 weeks: 4 check-ins held, 1 skipped, 1 with no record.")
    expect(way.locator("svg")).to_be_visible()
    shots(page, "guardian-track", way)

    tablet.click(tablet.link("← Family"))
    tablet.click(tablet.link("Print the licence card of Mo"))
    tablet.expect_heading("Mo's licence card")
    expect(tablet.button("Print this card")).to_be_visible()  # print.js showed it

    tablet.make_family_tablet()
    tablet.open_child("Mo", PIN)
    tablet.expect_heading("Hi Mo!")
    mine = tablet.region("My licence card")
    expect(mine.get_by_role("row", name=re.compile("^Instagram"))).to_contain_text("Licence")
    shots(page, "child-home", mine)
    tablet.click(page.get_by_role("link", name="Instagram", exact=True))
    yours = tablet.region("Your way so far")
    expect(yours).to_contain_text(
        "You and your guardians talked 4 times in 6 weeks; 1 check-in was skipped and "
        "1 check-in has no record."
    )
    shots(page, "child-track", yours)

    tablet.click(tablet.page.get_by_role("link", name="← My page"))
    tablet.click(tablet.link("Print my card"))
    tablet.expect_heading("My licence card")
    page.emulate_media(media="print")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "card-print.png")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)  # as printed
    page.emulate_media(media="screen")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) == 1, boxes  # one page: the card alone
    width, height = (float(n) / MM for n in boxes[0])
    assert abs(width - 85.6) < 0.5 and abs(height - 54) < 0.5, (width, height)
    assert not tablet.checks.problems, tablet.checks.problems
