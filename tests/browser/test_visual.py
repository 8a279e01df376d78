"""The key pages look as they were last approved: each screenshot is compared with a baseline
committed in ``tests/browser/baselines/``, at the tablet held both ways and a phone, in the
light and the dark colour scheme.

One family is made once, at a fixed time, and every page is only looked at (GET), in an order
that leaves each page the same whichever scheme or size is shot first: the child's pages
before any guardian page, since a guardian's look at a track shows on the child's home page.

A page differs when more than ``MAX_SHARE`` of its pixels differ by more than ``THRESHOLD`` in
some colour channel, or when its size differs. The actual image and a diff (the differing
pixels red over a faded actual) are then kept in ``test-artifacts/visual/``. A missing
baseline fails too. ``make baselines`` writes every baseline anew instead of comparing: run it
after a deliberate change to how a page looks, look at the new images, and commit them.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from PIL import Image, ImageChops
from playwright.sync_api import Browser, BrowserContext, Page

from supervisor.content.lessons import LESSONS
from supervisor.extensions import db
from supervisor.models import Guardian
from tests.browser.conftest import PORTRAIT
from tests.browser.steps import PIN
from tests.conftest import (
    PASSWORD,
    Auth,
    Client,
    FakeClock,
    add_child,
    pass_all_lessons,
    tap_i_agree,
    weekly_schedule,
)

BASELINES = Path(__file__).resolve().parent / "baselines"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "visual"
UPDATE = os.environ.get("SUPERVISOR_UPDATE_BASELINES") == "1"
SIZES = {"portrait": (820, 1180), "landscape": (1180, 820), "phone": (390, 844)}
SCHEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")
THRESHOLD = 16  # of 255, in any of red, green or blue: less is rendering noise
MAX_SHARE = 0.005  # of a page's pixels that may differ by more than THRESHOLD
FIRST = next(iter(LESSONS))  # the lesson Mo is half-way through
# Every font loaded and every image decoded, so a shot never catches a page still loading.
SETTLED_JS = """
() => document.fonts.status === 'loaded'
  && [...document.images].every((img) => img.complete && img.naturalWidth > 0)
"""


@dataclass
class Family:
    child_id: int
    guardian_id: int
    track_id: int


def saved(client: Client, url: str, data: dict[str, str] | None = None) -> None:
    """Send a form as its page would, and hold that it was taken (a redirect)."""
    response = client.submit(url, data=data)
    assert response.status_code == 302, (url, response.get_data(as_text=True))


def make_family(app: Flask) -> tuple[Family, Client]:
    """Ada and Mo (13): every lesson but the first passed, the first at its quiz with one
    wrong answer to the first question, and Instagram signed off to the learner's permit with
    an arrangement and a schedule Mo agreed to. Returns the family and its tablet's client."""
    guardian = Auth(app.test_client())
    guardian.signup()
    client = guardian.client
    child_id = add_child(client, "Mo", PIN, birth_year=2012)
    pass_all_lessons(app, child_id, keys=list(LESSONS)[1:])
    made = client.submit(f"/family/children/{child_id}/tracks/new", data={"platform": "instagram"})
    track_id = int(made.headers["Location"].rsplit("/", 1)[1])
    track = f"/family/tracks/{track_id}"
    for item in ("network_chosen", "never_share"):
        saved(client, f"{track}/checklist", {"item": item, "ticked": "y"})
    reason = "We read the first lesson together."
    saved(client, f"{track}/sign-off", {"from_stage": "instruction", "override_reason": reason})
    saved(client, f"{track}/monitoring", {"arrangement": "show_on_request"})
    fade = {"fade1_on": "2026-04-13", "fade1_frequency": "fortnightly"}
    saved(client, f"{track}/schedule", weekly_schedule(date(2026, 3, 9), **fade))

    tablet = Auth(app.test_client())
    tablet.login()
    saved(tablet.client, "/family/devices/", {"name": "Kitchen tablet"})
    saved(tablet.client, f"/who/child/{child_id}", {"pin": PIN})
    assert tap_i_agree(tablet.client, track_id, "agree-arrangement").status_code == 302
    assert tap_i_agree(tablet.client, track_id).status_code == 302
    lesson = LESSONS[FIRST]
    for position in range(len(lesson.steps)):
        saved(tablet.client, f"/me/lessons/{FIRST}/{position}")
    question = lesson.quiz[0]
    wrong = (question.answer + 1) % len(question.options)
    saved(tablet.client, f"/me/lessons/{FIRST}/{len(lesson.steps)}", {"choice": str(wrong)})
    with app.app_context():
        guardian_id = db.session.scalars(sa.select(Guardian.id)).one()
    return Family(child_id, guardian_id, track_id), tablet.client


@pytest.fixture
def tablets(
    browser: Browser, live_app: tuple[Flask, str], clock: FakeClock
) -> Iterator[tuple[Family, dict[str, Page]]]:
    """The family, and one tablet-sized browser per colour scheme holding its tablet cookie."""
    app, address = live_app
    family, tablet = make_family(app)
    cookie = tablet.get_cookie(app.config["DEVICE_COOKIE_NAME"])
    assert cookie is not None
    contexts: list[BrowserContext] = []
    pages: dict[str, Page] = {}
    for scheme in SCHEMES:
        context = browser.new_context(
            base_url=address,
            viewport=PORTRAIT,
            has_touch=True,
            locale="en-GB",
            color_scheme=scheme,
        )
        context.set_default_timeout(10_000)
        context.add_cookies(
            [
                {
                    "name": cookie.key,
                    "value": cookie.value,
                    "domain": urlsplit(address).hostname or "",
                    "path": "/",
                    "secure": True,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        contexts.append(context)
        pages[scheme] = context.new_page()
    yield family, pages
    for context in contexts:
        context.close()


def unlock(page: Page, url: str, label: str, secret: str) -> None:
    """Open a profile by the keyboard, so no pointer rests over anything in the shots."""
    page.goto(url)
    page.get_by_label(label).fill(secret)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def shots(page: Page) -> Iterator[tuple[str, Image.Image]]:
    """The page at every size, full-page, still and without a caret."""
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_function(SETTLED_JS)
        png = page.screenshot(full_page=True, animations="disabled", caret="hide")
        yield size, Image.open(io.BytesIO(png)).convert("RGB")
    page.set_viewport_size(PORTRAIT)


def difference(name: str, actual: Image.Image) -> str | None:
    """Why ``actual`` is not its baseline (writing the images to look at), or None."""
    baseline = BASELINES / f"{name}.png"
    if UPDATE:
        BASELINES.mkdir(exist_ok=True)
        actual.save(baseline, optimize=True)
        return None
    if not baseline.exists():
        return (
            f"{name}: no baseline {baseline.name}; "
            "make it with `make baselines`, look at it and commit it"
        )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    expected = Image.open(baseline).convert("RGB")
    if expected.size != actual.size:
        actual.save(ARTIFACTS / f"{name}-actual.png")
        return (
            f"{name}: {actual.size[0]}x{actual.size[1]} px, the baseline is "
            f"{expected.size[0]}x{expected.size[1]}; actual in {ARTIFACTS / name}-actual.png"
        )
    channels = ImageChops.difference(expected, actual).split()
    over = [channel.point(lambda value: 255 if value > THRESHOLD else 0) for channel in channels]
    mask = ImageChops.lighter(ImageChops.lighter(over[0], over[1]), over[2])
    differing = mask.histogram()[255]
    share = differing / (actual.size[0] * actual.size[1])
    if share <= MAX_SHARE:
        return None
    faded = Image.blend(actual, Image.new("RGB", actual.size, "white"), 0.7)
    diff = Image.composite(Image.new("RGB", actual.size, "red"), faded, mask)
    actual.save(ARTIFACTS / f"{name}-actual.png")
    diff.save(ARTIFACTS / f"{name}-diff.png")
    return (
        f"{name}: {share:.2%} of pixels differ (at most {MAX_SHARE:.2%} may); "
        f"{ARTIFACTS / name}-actual.png and -diff.png"
    )


def test_the_key_pages_match_their_baselines(tablets: tuple[Family, dict[str, Page]]):
    family, pages = tablets
    quiz = f"/me/lessons/{FIRST}/{len(LESSONS[FIRST].steps)}"
    track = f"/family/tracks/{family.track_id}"

    def go(url: str) -> Callable[[Page], None]:
        def open_page(page: Page) -> None:
            page.goto(url)

        return open_page

    def as_child(page: Page) -> None:
        unlock(page, f"/who/child/{family.child_id}", "Your PIN", PIN)

    def as_guardian(page: Page) -> None:
        unlock(page, f"/who/guardian/{family.guardian_id}", "Your password", PASSWORD)

    # (name, how to get there, where that is) in the order each scheme's tablet goes.
    steps: list[tuple[str, Callable[[Page], None], str]] = [
        ("picker", go("/who"), "/who"),
        ("child-home", as_child, "/me/"),
        ("lesson-step", go(f"/me/lessons/{FIRST}/0"), f"/me/lessons/{FIRST}/0"),
        ("quiz-answer", go(quiz), quiz),
        ("dashboard", as_guardian, "/family/"),
        ("permit-track", go(track), track),
        ("agreement", go(f"{track}/agreement"), f"{track}/agreement"),
    ]
    problems = []
    shot = set()
    for name, get_there, path in steps:
        for scheme, page in pages.items():
            get_there(page)
            assert urlsplit(page.url).path == path, (name, page.url)
            for size, image in shots(page):
                shot.add(f"{name}-{size}-{scheme}")
                problem = difference(f"{name}-{size}-{scheme}", image)
                if problem:
                    problems.append(problem)
    for stale in sorted(BASELINES.glob("*.png")):
        if stale.stem not in shot and UPDATE:
            stale.unlink()
        elif stale.stem not in shot:
            problems.append(f"{stale.name}: no such page is shot; `make baselines` removes it")
    if problems:
        pytest.fail("Pages differ from their baselines:\n" + "\n".join(problems), pytrace=False)
