"""The main pages in both colour schemes the tablet may be set to: axe-core finds nothing
serious or critical (contrast included) in light or dark. Screenshots are kept for a reviewer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page

from supervisor.content.lessons import LESSONS
from tests.browser.checks import axe_problems
from tests.browser.conftest import PORTRAIT, SCREENSHOTS
from tests.browser.family_tablet import make_family_tablet
from tests.browser.steps import Tablet
from tests.conftest import FakeClock

LESSON = next(iter(LESSONS))


@pytest.fixture(params=["light", "dark"])
def scheme(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def schemed(browser: Browser, live_app: tuple[Flask, str], scheme: str) -> Iterator[BrowserContext]:
    """A tablet-sized browser set to the colour scheme."""
    context = browser.new_context(
        base_url=live_app[1],
        viewport=PORTRAIT,
        has_touch=True,
        locale="en-GB",
        color_scheme=scheme,
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


def look(page: Page, scheme: str, name: str, found: dict[str, list[str]]) -> None:
    page.wait_for_load_state()
    page.screenshot(path=SCREENSHOTS / "colour-schemes" / f"{name}-{scheme}.png", full_page=True)
    found[name] = axe_problems(page)


def test_the_main_pages_pass_axe_in_both_colour_schemes(
    words, schemed: BrowserContext, live_app: tuple[Flask, str], scheme: str, clock: FakeClock
):
    app, address = live_app
    family = make_family_tablet(app, address, schemed)
    page = schemed.new_page()
    tablet = Tablet(page, words)
    found: dict[str, list[str]] = {}
    page.goto("/who")
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert dark == (scheme == "dark")
    look(page, scheme, "picker", found)

    tablet.open_child("Mo")
    look(page, scheme, "child-home", found)
    page.goto(f"/me/tracks/{family.track_id}")
    look(page, scheme, "child-track", found)
    page.goto(f"/me/lessons/{LESSON}/0")
    tablet.expect_heading(LESSONS[LESSON].steps[0].title)
    look(page, scheme, "lesson", found)
    page.goto(f"/me/lessons/{LESSON}/{len(LESSONS[LESSON].steps)}")
    look(page, scheme, "lesson-quiz", found)

    tablet.switch_person()
    tablet.open_guardian()
    tablet.expect_heading("The Lovelaces")
    look(page, scheme, "dashboard", found)
    page.goto(f"/family/tracks/{family.track_id}")
    look(page, scheme, "track", found)
    page.goto("/offline")
    look(page, scheme, "offline", found)
    assert {name: problems for name, problems in found.items() if problems} == {}
