"""What a family does on the tablet, step by step, by the labels and roles people see."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from supervisor.content.lessons import LESSONS
from tests.browser.checks import FOUND_THIS_RUN, PageChecks
from tests.conftest import PASSWORD

PIN = "4826"


@dataclass
class Tablet:
    """One browser page used as the family tablet; every page it lands on is checked."""

    page: Page
    checks: PageChecks = field(default_factory=lambda: PageChecks(found=FOUND_THIS_RUN))

    def click(self, target: Locator) -> None:
        """Tap a control and check the page it leads to."""
        target.click()
        self.checks(self.page)

    def button(self, name: str | re.Pattern[str], **kwargs: object) -> Locator:
        return self.page.get_by_role("button", name=name, **kwargs)

    def link(self, name: str | re.Pattern[str], **kwargs: object) -> Locator:
        return self.page.get_by_role("link", name=name, **kwargs)

    def region(self, name: str) -> Locator:
        return self.page.get_by_role("region", name=name, exact=True)

    def expect_heading(self, name: str | re.Pattern[str]) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_have_text(name)

    def expect_status(self, text: str | re.Pattern[str]) -> None:
        expect(self.page.get_by_role("status").filter(has_text=text)).to_be_visible()

    # -- setting up, as a guardian on their own browser ---------------------------------

    def sign_up(self, name: str = "Ada", family: str = "The Lovelaces") -> None:
        self.page.goto("/signup")
        self.checks(self.page)
        self.page.get_by_label("Your name").fill(name)
        self.page.get_by_label("Family name").fill(family)
        self.page.get_by_label("Country").select_option("GB")
        self.page.get_by_label("Email").fill("ada@example.org")
        self.page.get_by_label("Password", exact=True).fill(PASSWORD)
        self.page.get_by_label("Type the password again").fill(PASSWORD)
        self.click(self.button("Create our family"))
        self.expect_heading(family)

    def add_child(self, name: str, birth_year: int, avatar: str = "Fox") -> None:
        self.click(self.link("Add a child"))
        self.page.get_by_label("Name to show").fill(name)
        self.page.get_by_role("radio", name=avatar).check()
        self.page.get_by_role("radio", name="Sky blue").check()
        self.page.get_by_label("Birth year").fill(str(birth_year))
        self.page.get_by_label("Birth month").select_option(label="May")
        self.click(self.button("Add the child"))
        self.expect_status(f"{name}'s profile is ready.")

    def make_family_tablet(self) -> None:
        self.click(
            self.page.get_by_role("navigation", name="Main").get_by_role("link", name="Tablets")
        )
        self.page.get_by_label("Name for this tablet").fill("Kitchen tablet")
        self.click(self.button("Make this the family tablet"))
        self.expect_heading("Who's using Kitchen tablet?")

    def set_pin(self, name: str, pin: str = PIN) -> None:
        self.click(self.link(f"Set PIN for {name}"))
        self.page.get_by_label("New PIN (4 to 6 digits)").fill(pin)
        self.page.get_by_label("Type the PIN again").fill(pin)
        self.click(self.button("Set the PIN"))

    # -- on the shared tablet ----------------------------------------------------------

    def switch_person(self) -> None:
        self.click(self.page.get_by_role("banner").get_by_role("button", name="Switch person"))
        self.expect_heading(re.compile("^Who's using"))

    def open_guardian(self, name: str = "Ada") -> None:
        self.click(self.link(f"{name} Guardian"))
        self.page.get_by_label("Your password").fill(PASSWORD)
        self.click(self.button("Open my profile"))

    def open_child(self, name: str, pin: str = PIN) -> None:
        self.click(self.link(re.compile(f"^{name}")))
        self.page.get_by_label("Your PIN").fill(pin)
        self.click(self.button("Open my profile"))

    # -- the child's lessons -----------------------------------------------------------

    def do_lesson(
        self, key: str, start: int = 0, stop_at: int | None = None, one_wrong: bool = False
    ) -> None:
        """Read the steps from ``start`` and answer every question; or leave the lesson
        when step ``stop_at`` shows (it is resumed later with ``resume_lesson``)."""
        lesson = LESSONS[key]
        for number, step in enumerate(lesson.steps):
            if number < start:
                continue
            self.expect_heading(step.title)
            if number == stop_at:
                return
            last = number + 1 == len(lesson.steps)
            self.click(self.button("Start the quiz" if last else "Next"))
        for number, question in enumerate(lesson.quiz):
            self.expect_heading(f"Question {number + 1} of {len(lesson.quiz)}")
            if one_wrong and number == 0:
                wrong = next(o for o in question.options if not o.correct)
                self.page.get_by_role("radio", name=wrong.text, exact=True).check()
                self.click(self.button("Check my answer"))
                self.expect_status("Not quite.")
            right = question.options[question.answer]
            self.page.get_by_role("radio", name=right.text, exact=True).check()
            self.click(self.button("Try again" if one_wrong and number == 0 else "Check my answer"))
            self.expect_status("Right!")
            last = number + 1 == len(lesson.quiz)
            self.click(self.link("Finish" if last else "Next question"))
        self.expect_heading("Lesson done!")
        expect(self.page.get_by_text("You have passed this lesson.")).to_be_visible()
        self.click(self.link("Back to my lessons"))

    def resume_lesson(self, key: str, at_step: int) -> None:
        """Open an unfinished lesson from the list: it continues where it stopped."""
        item = self.link(re.compile(re.escape(LESSONS[key].title)))
        expect(item).to_contain_text("In progress")
        self.click(item)
        self.expect_heading(LESSONS[key].steps[at_step].title)


def screenshot(page: Page, folder: Path, name: str) -> None:
    """The page as a portrait and as a landscape tablet shows it."""
    folder.mkdir(parents=True, exist_ok=True)
    for orientation, size in (("portrait", (820, 1180)), ("landscape", (1180, 820))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.screenshot(path=folder / f"{name}-{orientation}.png", full_page=True)
    page.set_viewport_size({"width": 820, "height": 1180})
