"""On this machine Chromium has no emoji font: the logo, the avatars and the icons of the tablet
picker and a child's page must still be drawn (each picture loaded with a size, each icon a
visible box), and so must the marks of a track page, with screenshots for a reviewer to look at."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.steps import Tablet, screenshot

SHOTS = SCREENSHOTS / "icons"

DRAWN = """() => ({
  pictures: [...document.images].map(i => [i.getAttribute("src"), i.complete && i.naturalWidth > 0,
                                           i.getBoundingClientRect().width]),
  icons: [...document.querySelectorAll("svg.icon")].map(s => [s.getAttribute("class"),
                                                            s.getBoundingClientRect().width]),
})"""


def drawn(page: Page) -> dict[str, list[list[object]]]:
    """Every picture and icon on the page, and whether it shows something."""
    found: dict[str, list[list[object]]] = page.evaluate(DRAWN)
    for src, loaded, width in found["pictures"]:
        assert loaded and width >= 16, src
    for name, width in found["icons"]:
        assert width >= 12, name
    return found


def test_the_picker_and_a_childs_page_draw_their_pictures(words, page: Page, live_app):
    tablet = Tablet(page, words)
    tablet.sign_up()
    tablet.add_child("Mo", birth_year=2012)
    tablet.click(tablet.link("Add a child"))
    choices = [src for src, _, _ in drawn(page)["pictures"] if "logo" not in src]
    assert len(choices) == 12  # every avatar, each with its name beside it
    screenshot(page, SHOTS, "avatar-choice")
    page.go_back()
    tablet.add_child("Zoe", birth_year=2014, avatar="Panda")
    tablet.make_family_tablet()
    picker = drawn(page)
    sources = [src for src, _, _ in picker["pictures"]]
    assert sources == [
        "/static/icons/fluent/logo.svg",
        "/static/icons/fluent/fox.svg",
        "/static/icons/fluent/panda.svg",
    ]
    assert [name for name, _ in picker["icons"]] == ["icon icon-key"]  # Ada's tile
    screenshot(page, SHOTS, "picker")

    tablet.open_guardian()
    tablet.set_pin("Mo")
    tablet.click(tablet.link("+ Add a track for Mo"))
    page.get_by_label("Social network").select_option(label="Instagram")
    tablet.click(tablet.button("Start the track"))
    tablet.click(tablet.button("We chose which network fits, and why"))
    track = {name for name, _ in drawn(page)["icons"]}
    assert {"icon icon-square-check", "icon icon-square", "icon icon-circle"} <= track
    screenshot(page, SHOTS, "track")
    tablet.switch_person()
    tablet.open_child("Mo")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mo")
    home = drawn(page)
    assert "/static/icons/fluent/fox.svg" in [src for src, _, _ in home["pictures"]]
    screenshot(page, SHOTS, "child-home")
    tablet.click(tablet.link("Instagram", exact=True))
    assert "icon icon-circle" in {name for name, _ in drawn(page)["icons"]}
    screenshot(page, SHOTS, "child-track")
    assert tablet.checks.problems == {}
