"""Lesson pictures as a child sees them on the tablet: loaded, described, fitting the screen
held either way and on a phone, without moving the words as they load."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from supervisor.content.lessons import LESSONS
from tests.browser.conftest import SCREENSHOTS
from tests.browser.family_tablet import enrol_tablet
from tests.browser.steps import PIN, Tablet
from tests.conftest import Auth, add_child

SIZES = {"portrait": (820, 1180), "landscape": (1180, 820), "phone": (390, 844)}
SHOWN = ["01-anything-posted", "06-strangers", "10-scams", "18-block-mute-report"]
FOLDER = SCREENSHOTS / "lesson-pictures"

# Each image on the page: loaded or not, its drawn size and where it sits.
IMAGES_JS = """
() => [...document.querySelectorAll('main img')].map(img => {
  const box = img.getBoundingClientRect();
  return {src: img.getAttribute('src'), alt: img.alt, loaded: img.complete && img.naturalWidth > 0,
          left: box.left, right: box.right, width: box.width, height: box.height};
})
"""


@pytest.fixture
def tablet(words, context: BrowserContext, page: Page, live_app) -> Tablet:
    """A family with one child of 11 on the family tablet, the child's profile open."""
    app, address = live_app
    guardian = Auth(app.test_client())
    guardian.signup()
    add_child(guardian.client, "Mo", PIN, birth_year=2015)
    enrol_tablet(app, guardian.client, address, context, "Tablet")
    tablet = Tablet(page, words)
    page.goto("/who")
    tablet.open_child("Mo")
    return tablet


def fits(page: Page, name: str) -> list[dict]:
    """Every picture loaded and inside the screen, at each size; a screenshot of each."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        images = page.evaluate(IMAGES_JS)
        assert images and all(image["loaded"] for image in images), images
        assert all(image["left"] >= 0 and image["right"] <= width for image in images), images
        page.screenshot(path=FOLDER / f"{name}-{size}.png", full_page=True)
    page.set_viewport_size({"width": 820, "height": 1180})
    return images


def test_a_child_sees_each_lesson_s_picture(tablet: Tablet):
    tablet.click(tablet.link("My lessons"))
    thumbs = fits(tablet.page, "my-lessons")
    assert [image["src"] for image in thumbs] == [
        f"/static/{lesson.picture}" for lesson in LESSONS.values()
    ]
    assert all(image["alt"] == "" and image["width"] == 72 for image in thumbs)  # phone size
    for key in SHOWN:
        lesson = LESSONS[key]
        tablet.click(tablet.link(re.compile(re.escape(lesson.title))))
        tablet.expect_heading(lesson.steps[0].title)
        picture = tablet.page.get_by_role("img", name=lesson.picture_alt)
        expect(picture).to_be_visible()
        (shown,) = fits(tablet.page, key)
        assert shown["width"] / shown["height"] == pytest.approx(320 / 200, rel=0.01)
        tablet.click(tablet.link("← My lessons"))
    assert not tablet.checks.problems, tablet.checks.problems


def test_all_pictures_side_by_side(page: Page, live_app):
    """One sheet of every picture, for a person to compare their style and what each shows."""
    address = live_app[1]
    cells = "".join(
        f'<figure style="margin:0"><img src="{address}/static/{lesson.picture}" alt="" '
        f'width="320" height="200"><figcaption>{lesson.title}</figcaption></figure>'
        for lesson in LESSONS.values()
    )
    page.set_viewport_size({"width": 1340, "height": 1200})
    page.set_content(
        '<body style="margin:8px;font:13px sans-serif;display:grid;gap:8px;'
        f'grid-template-columns:repeat(4,320px)">{cells}</body>'
    )
    page.wait_for_load_state("networkidle")
    assert page.evaluate("[...document.images].every(img => img.naturalWidth > 0)")
    FOLDER.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=FOLDER / "all-pictures.png", full_page=True)
