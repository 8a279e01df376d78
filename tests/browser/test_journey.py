"""A new family's whole journey in Chromium, from sign-up to deleting the family.

Every page the journey lands on passes axe-core (no serious or critical violation), reaches
every control by keyboard with a visible focus, and has touch targets of at least 44x44 px.
Security target 3 is met as a family meets it: the sign-off asks for the password again.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from supervisor.content.lessons import LESSONS
from supervisor.extensions import db
from supervisor.models import Child, Family, Guardian, Track
from supervisor.permit import operations as permit_operations
from tests.browser.conftest import SCREENSHOTS
from tests.browser.steps import PIN, Tablet, screenshot
from tests.conftest import PASSWORD, FakeClock, pass_all_lessons

SHOTS = SCREENSHOTS / "journey"
FIRST = next(iter(LESSONS))


def test_a_family_from_sign_up_to_licence_and_goodbye(page: Page, live_app, clock: FakeClock):
    app, _ = live_app
    tablet = Tablet(page)

    # A guardian signs up, adds a child, makes this browser the family tablet.
    tablet.sign_up()
    tablet.add_child("Mo", birth_year=2012)
    tablet.make_family_tablet()
    screenshot(page, SHOTS, "picker")
    tablet.open_guardian()
    tablet.set_pin("Mo")
    tablet.click(tablet.link("+ Add a track for Mo"))
    page.get_by_label("Social network").select_option(label="Instagram")
    tablet.click(tablet.button("Start the track"))
    tablet.expect_status("Mo starts Instagram with instruction.")
    tablet.click(tablet.button("We chose which network fits, and why"))
    tablet.click(tablet.button(re.compile("^We agreed what is never shared")))

    assert tablet.checks.problems == {}, json.dumps(tablet.checks.problems, indent=2)

    # The child unlocks with the PIN and does the first lesson: she leaves it half-way for
    # "Switch person", resumes it and answers one question wrong first. The other lessons
    # play alike (test_every_form.py sends every page of every lesson), so they are recorded
    # as passed and talked through, and the guardian ticks the first one.
    tablet.switch_person()
    tablet.open_child("Mo")
    with app.app_context():
        mo = db.session.scalars(sa.select(Child.id)).one()
    pass_all_lessons(app, mo, keys=list(LESSONS)[1:])
    tablet.click(tablet.link("My lessons"))
    tablet.click(tablet.link(re.compile(re.escape(LESSONS[FIRST].title))))
    tablet.do_lesson(FIRST, stop_at=2)
    screenshot(page, SHOTS, "lesson")
    tablet.switch_person()
    tablet.open_child("Mo")
    tablet.click(tablet.link("My lessons"))
    tablet.resume_lesson(FIRST, at_step=2)
    tablet.do_lesson(FIRST, start=2, one_wrong=True)
    expect(page.get_by_text("Done: quiz")).to_have_count(len(LESSONS))

    tablet.switch_person()
    tablet.open_guardian()
    tablet.click(tablet.link("Lessons of Mo"))
    talked = re.compile("^We talked this through")
    expect(tablet.button(talked, pressed=False)).to_have_count(1)
    tablet.click(tablet.button(talked, pressed=False))
    expect(tablet.button(talked, pressed=True)).to_have_count(len(LESSONS))

    # The child asks for sign-off in their own words.
    tablet.switch_person()
    tablet.open_child("Mo")
    tablet.click(tablet.link("Instagram", exact=True))
    page.get_by_label("In your own words: why are you ready?").fill("I know what stays private.")
    tablet.click(tablet.button("Ask for sign-off"))

    # The guardian's password is older than 5 minutes by now: sign-off asks for it again.
    tablet.switch_person()
    tablet.open_guardian()
    for _ in range(3):
        clock.advance(minutes=2)
        page.reload()  # busy on the dashboard, so the tablet does not lock itself
    request = tablet.region("Asking for sign-off")
    expect(request).to_contain_text("“I know what stays private.”")
    screenshot(page, SHOTS, "dashboard")
    tablet.checks(page)
    request.get_by_label("Your password").fill(PASSWORD)
    tablet.click(request.get_by_role("button", name="Sign off Mo's Instagram"))
    tablet.expect_status("Signed off: Mo now has Learner's permit for Instagram.")

    # Together: the privacy walkthrough, the monitoring arrangement, the check-in schedule.
    tablet.click(tablet.link("Go through it together"))
    tablet.click(tablet.button("Start the walkthrough"))
    while True:
        page.get_by_role("radio", name="Done").check()
        finish = tablet.button("Finish")
        if finish.count():
            tablet.click(finish)
            break
        tablet.click(tablet.button("Save and next"))
    tablet.expect_status("Walkthrough finished. Well done, both of you.")
    tablet.click(tablet.link("← Mo · Instagram"))
    tablet.click(tablet.link("Choose the arrangement"))
    page.get_by_role("radio", name=re.compile("^The child opens the account")).check()
    tablet.click(tablet.button("Save the arrangement"))
    tablet.click(tablet.link("Agree the schedule"))
    page.get_by_label("How often").select_option(label="Every week")
    page.get_by_label("Preferred day").select_option(label="Monday")
    page.get_by_label("Starting").fill("2026-03-02")
    page.get_by_label("Then, from").fill("2026-04-13")  # checks lessen over time
    page.get_by_label("then check in", exact=True).select_option(label="Every two weeks")
    tablet.click(tablet.button("Propose this schedule"))
    tablet.expect_status(re.compile("Schedule proposed"))
    tablet.click(tablet.button(re.compile("^Password handover")))

    # The child reads both and taps "I agree".
    tablet.switch_person()
    tablet.open_child("Mo")
    tablet.click(tablet.link("Instagram", exact=True))
    for region, label in (
        ("How a guardian looks in", "I agree to this arrangement"),
        ("Check-ins", "I agree to this schedule"),
    ):
        tablet.region(region).get_by_label(label).check()
        tablet.click(tablet.region(region).get_by_role("button", name="I agree"))
    expect(tablet.region("Check-ins")).to_contain_text("Agreed:")

    # The child's home page names both agreements in force, with their dates.
    tablet.click(tablet.link("My page", exact=True))
    agreed = tablet.region("What you have agreed together")
    expect(agreed).not_to_contain_text("Nothing yet")
    expect(agreed).to_contain_text("you open the account to show your guardians when they ask")
    expect(agreed).to_contain_text("Every week")
    # Looking in is now agreed: every page of the child's shows it, with a link to the terms.
    sign = page.get_by_role("note").filter(has_text="Your guardians can look at your Instagram")
    expect(sign).to_contain_text("account (you open the account to show your guardians when")
    tablet.click(tablet.link("My lessons"))
    expect(sign).to_be_visible()

    # A mistake is logged as a learning moment, to be talked through at the first check-in.
    tablet.switch_person()
    tablet.open_guardian()
    tablet.click(tablet.link(re.compile("^Instagram")))
    tablet.click(tablet.link("Log a learning moment"))
    page.get_by_label("What happened").fill("Posted the school's name in a story.")
    tablet.click(tablet.button(re.compile("^Log (it|the moment)")))
    tablet.switch_person()

    # The child sees that Ada opened the track page: a look, the page after her save is not.
    tablet.open_child("Mo")
    looked = tablet.region("Who looked this week")
    expect(looked).to_contain_text(re.compile(r"Ada looked at your Instagram track .* today at"))
    screenshot(page, SHOTS, "child-home-looked")
    tablet.switch_person()

    # Weekly check-ins, then fortnightly from 13 April, each recorded on its Monday evening:
    # the first ticks a prompt and the learning moment, the second is corrected, the last is
    # the schedule's fortnightly date; the ones between are recorded as a guardian records
    # them (permit_operations.record_checkin), since their pages are the first one's again.
    evenings = [datetime(2026, 3, 9, 18, 30, tzinfo=UTC) + timedelta(weeks=w) for w in range(6)]
    evenings += [
        datetime(2026, 4, 27, 18, 30, tzinfo=UTC),
        datetime(2026, 5, 11, 18, 30, tzinfo=UTC),
    ]
    for week, evening in enumerate(evenings):
        # The licence needs 6 check-ins, the first at least 8 weeks before the sign-off.
        clock.current = evening
        if week not in (0, 1, len(evenings) - 1):
            with app.app_context():
                ada = db.session.scalars(sa.select(Guardian)).one()
                track = db.session.scalars(sa.select(Track)).one()
                notes = f"Week {week + 1}: all fine."
                permit_operations.record_checkin(
                    ada, track, evening.date(), True, [], notes, None, []
                )
                db.session.commit()
            continue
        page.reload()
        if page.get_by_role("heading", name=re.compile("Who's using")).count() == 0:
            tablet.switch_person()
        tablet.open_guardian()
        tablet.click(tablet.link(re.compile("^Instagram")))
        # The first is held together, side by side: Mo confirms it with their PIN.
        together = week == 0
        tablet.click(tablet.link("Hold a check-in together" if together else "Record a check-in"))
        page.get_by_label("Which check-in").select_option(label=evening.strftime("%A %-d %B"))
        page.get_by_role("radio", name="We held it").check()
        if week == 0:
            moments = page.get_by_role("group", name="Learning moments we talked through")
            moments.get_by_role("checkbox").first.check()
            prompts = page.get_by_role("group", name="Prompts we used")
            prompts.get_by_role("checkbox").first.check()
            screenshot(page, SHOTS, "checkin")
        notes = "Notes we typed together" if together else "Notes the child can read"
        page.get_by_label(notes).fill(f"Week {week + 1}: all fine.")
        if together:
            page.get_by_role("radio", name="Mo confirms with their PIN").check()
            page.get_by_label("PIN", exact=True).fill(PIN)
        tablet.click(tablet.button("Save the check-in"))
        tablet.expect_status("The check-in is recorded.")
        if week == 0:
            expect(tablet.region("Check-ins")).to_contain_text("Mo confirmed with their PIN")
            expect(tablet.region("Check-ins")).to_contain_text("Prompts used:")
            expect(tablet.region("Learning moments")).to_contain_text("Posted the school's name")
        if week == 1:  # the second one's notes were wrong: corrected, the original kept
            tablet.click(tablet.link("Correct this check-in").first)
            page.get_by_label("Notes the child can read").fill("Week 2: we talked about a pop-up.")
            page.get_by_label(re.compile("^Why")).fill("I mixed it up with week 3.")
            tablet.click(tablet.button("Save the correction"))
            corrected = "because “I mixed it up with week 3.”"
            expect(tablet.region("Check-ins")).to_contain_text(corrected)
        tablet.switch_person()

    # The child sees the correction, why, and what it said before.
    tablet.open_child("Mo")
    tablet.click(tablet.link("Instagram", exact=True))
    checkins = tablet.region("Check-ins")
    expect(checkins).to_contain_text("Week 2: we talked about a pop-up.")
    expect(checkins).to_contain_text("because “I mixed it up with week 3.”")
    expect(checkins).to_contain_text("Week 2: all fine.")
    # The check-in held together says Mo confirmed it; Mo adds a note of her own to it.
    first = checkins.locator("li", has_text="Week 1: all fine.")
    expect(first).to_contain_text("You confirmed with your PIN, 9 Mar 2026, 18:30.")
    first.get_by_text("Add your own note", exact=True).click()
    first.get_by_label("Add your own note about this check-in").fill(
        "I liked talking about the story."
    )
    tablet.click(first.get_by_role("button", name="Save my note"))
    first = tablet.region("Check-ins").locator("li", has_text="Week 1: all fine.")
    expect(first).to_contain_text("Your note, 11 May 2026: “I liked talking about the story.”")
    screenshot(page, SHOTS, "child-track-checkins")
    tablet.switch_person()

    # The guardian signs off the licence; the child sees it in their history.
    tablet.open_guardian()
    tablet.click(tablet.link(re.compile("^Instagram")))
    expect(page.get_by_role("progressbar", name="Requirements met for Licence")).to_have_attribute(
        "value", "4"
    )
    tablet.click(tablet.button("Sign off: Licence"))
    tablet.expect_status(re.compile("Mo now has Licence for Instagram"))

    # The family agreement prints.
    tablet.click(tablet.link("Our family agreement (printable)"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Our family agreement: Mo on Instagram"
    )
    screenshot(page, SHOTS, "agreement")
    whole = page.get_by_role("main")
    expect(whole).to_contain_text("We chose which network fits, and why")
    expect(whole).to_contain_text("The child opens the account")
    expect(whole).to_contain_text("Learning moments talked through at a check-in: 1")
    expect(whole).to_contain_text("Check-ins held so far: 8")
    expect(whole).to_contain_text("We will never post")
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Print this agreement").click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Print this agreement")).to_be_hidden()
    pdf = page.pdf(path=SHOTS / "agreement.pdf")
    page.emulate_media(media="screen")
    assert pdf.startswith(b"%PDF")

    tablet.click(tablet.link("← Back to the track"))
    tablet.switch_person()
    tablet.open_child("Mo")
    tablet.click(tablet.link("Instagram", exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Licence")
    expect(tablet.region("History")).to_contain_text("Ada signed off: Learner's permit → Licence.")
    tablet.click(tablet.link("Our family agreement (printable)"))
    expect(page.get_by_role("main")).to_contain_text("Licence, since")

    # The guardian downloads the family's data, then deletes the family.
    tablet.switch_person()
    tablet.open_guardian()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download our data (JSON)").click()
    exported = json.loads(download.value.path().read_text())["tables"]
    assert [row["name"] for row in exported["family"]] == ["The Lovelaces"]
    current = [row for row in exported["checkin"] if row["replaced_at"] is None]
    assert len(current) == len(evenings) and len(exported["checkin"]) == len(evenings) + 1
    tablet.click(tablet.link("Delete the family…"))
    page.get_by_label("Type the name to confirm").fill("The Lovelaces")
    tablet.click(tablet.button("Delete the family and all its data"))
    tablet.expect_status("Your family and everything in it are deleted.")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Family.id))) == 0

    assert len(tablet.checks.checked) >= 30, tablet.checks.checked
