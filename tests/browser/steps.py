"""What a family does on the tablet, step by step, by the labels and roles people see."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.browser.checks import FOUND_THIS_RUN, PageChecks
from tests.browser.words import Words
from tests.conftest import PASSWORD

PIN = "4826"


@dataclass
class Tablet:
    """One browser page used as the family tablet; every page it lands on is checked."""

    page: Page
    words: Words
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
        w = self.words
        self.page.get_by_label(w("Your name")).fill(name)
        self.page.get_by_label(w("Family name")).fill(family)
        self.page.get_by_label(w("Country")).select_option("GB")
        self.page.get_by_label(w("Email")).fill("ada@example.org")
        self.page.get_by_label(w("Password"), exact=True).fill(PASSWORD)
        self.page.get_by_label(w("Type the password again")).fill(PASSWORD)
        self.click(self.button(w("Create our family")))
        self.expect_heading(family)

    def add_child(self, name: str, birth_year: int, avatar: str = "Fox") -> None:
        w = self.words
        self.click(self.link(w("Add a child")))
        self.page.get_by_label(w("Name to show")).fill(name)
        self.page.get_by_role("radio", name=w(avatar)).check()
        self.page.get_by_role("radio", name=w("Sky blue")).check()
        self.page.get_by_label(w("Birth year")).fill(str(birth_year))
        self.page.get_by_label(w("Birth month")).select_option("5")
        self.click(self.button(w("Add the child")))
        self.expect_status(w("%(name)s's profile is ready.", name=name))

    def make_family_tablet(self) -> None:
        self.click(
            self.page.get_by_role("navigation", name=self.words("Main")).get_by_role(
                "link", name=self.words("Tablets")
            )
        )
        self.page.get_by_label(self.words("Name for this tablet")).fill("Kitchen tablet")
        self.click(self.button(self.words("Make this the family tablet")))
        self.expect_heading(self.words("Who's using %(tablet)s?", tablet="Kitchen tablet"))

    def set_pin(self, name: str, pin: str = PIN) -> None:
        w = self.words
        self.click(
            self.link(w('Set PIN<span class="visually-hidden"> for %(name)s</span>', name=name))
        )
        self.page.get_by_label(w("New PIN (4 to 6 digits)")).fill(pin)
        self.page.get_by_label(w("Type the PIN again")).fill(pin)
        self.click(self.button(w("Set the PIN")))

    # -- on the shared tablet ----------------------------------------------------------

    def switch_person(self) -> None:
        switch = self.words("Switch person")
        self.click(self.page.get_by_role("banner").get_by_role("button", name=switch))
        self.expect_heading(self.words.pattern("Who's using %(tablet)s?"))

    def open_guardian(self, name: str = "Ada") -> None:
        self.click(self.link(f"{name} {self.words('Guardian')}"))
        self.page.get_by_label(self.words("Your password")).fill(PASSWORD)
        self.click(self.button(self.words("Open my profile")))

    def open_child(self, name: str, pin: str = PIN) -> None:
        self.click(self.link(re.compile(f"^{name}")))
        self.page.get_by_label(self.words("Your PIN")).fill(pin)
        self.click(self.button(self.words("Open my profile")))

    # -- the child's lessons -----------------------------------------------------------

    def do_lesson(
        self, key: str, start: int = 0, stop_at: int | None = None, one_wrong: bool = False
    ) -> None:
        """Read the steps from ``start`` and answer every question; or leave the lesson
        when step ``stop_at`` shows (it is resumed later with ``resume_lesson``)."""
        w = self.words
        lesson = w.lessons[key]
        for number, step in enumerate(lesson.steps):
            if number < start:
                continue
            self.expect_heading(step.title)
            if number == stop_at:
                return
            last = number + 1 == len(lesson.steps)
            self.click(self.button(w("Start the quiz") if last else w("Next")))
        for number, question in enumerate(lesson.quiz):
            self.expect_heading(
                w("Question %(number)s of %(count)s", number=number + 1, count=len(lesson.quiz))
            )
            if one_wrong and number == 0:
                wrong = next(o for o in question.options if not o.correct)
                self.page.get_by_role("radio", name=wrong.text, exact=True).check()
                self.click(self.button(w("Check my answer")))
                self.expect_status(w("Not quite."))
            right = question.options[question.answer]
            self.page.get_by_role("radio", name=right.text, exact=True).check()
            again = one_wrong and number == 0
            self.click(self.button(w("Try again") if again else w("Check my answer")))
            self.expect_status(w("Right!"))
            last = number + 1 == len(lesson.quiz)
            self.click(self.link(w("Finish") if last else w("Next question")))
        self.expect_heading(w("Lesson done!"))
        passed = w(
            "You have passed this lesson. Next: talk it through with your guardians. "
            "Here is what you could talk about:"
        )
        expect(self.page.get_by_text(passed)).to_be_visible()
        self.click(self.link(w("Back to my lessons")))

    def resume_lesson(self, key: str, at_step: int) -> None:
        """Open an unfinished lesson from the list: it continues where it stopped."""
        lesson = self.words.lessons[key]
        item = self.link(re.compile(re.escape(lesson.title)))
        expect(item).to_contain_text(self.words.pattern("In progress: %(position)s of %(length)s"))
        self.click(item)
        self.expect_heading(lesson.steps[at_step].title)


def screenshot(page: Page, folder: Path, name: str) -> None:
    """The page as a portrait and as a landscape tablet shows it."""
    folder.mkdir(parents=True, exist_ok=True)
    for orientation, size in (("portrait", (820, 1180)), ("landscape", (1180, 820))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.screenshot(path=folder / f"{name}-{orientation}.png", full_page=True)
    page.set_viewport_size({"width": 820, "height": 1180})
