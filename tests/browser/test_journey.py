"""A new family's whole journey in Chromium, from sign-up to deleting the family.

Every page the journey lands on passes axe-core (no serious or critical violation), reaches
every control by keyboard with a visible focus, and has touch targets of at least 44x44 px.
Security target 3 is met as a family meets it: the sign-off asks for the password again.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from supervisor.content.monitoring import arrangements_for, hovering_for
from supervisor.extensions import db
from supervisor.models import Child, Family, Guardian, Track
from supervisor.permit import operations as permit_operations
from tests.browser.conftest import SCREENSHOTS
from tests.browser.steps import PIN, Tablet, screenshot
from tests.browser.words import Words
from tests.conftest import PASSWORD, FakeClock, pass_all_lessons

ZONE = "Europe/London"  # the sign-up's country is the United Kingdom
NOTHING_AGREED = (
    "Nothing yet. When you and your guardians agree how an app is watched over and when you "
    "check in, it will be written here, and it can only change with you knowing."
)
LOOKING_IN = (
    'Your guardians can look at your %(account)s account (%(how)s): <a href="%(url)s">see what '
    "you agreed</a>."
)
ADD_TRACK = '+ Add a track<span class="visually-hidden"> for %(name)s</span>'
LESSONS_OF = 'Lessons<span class="visually-hidden"> of %(name)s</span>'
SIGN_OFF = 'Sign off<span class="visually-hidden"> %(name)s\'s %(track)s</span>'
SIGNED = "Signed off: %(child)s now has %(stage)s for %(track)s."
CORRECTED = "Corrected on %(day)s because “%(reason)s”"
CORRECTED_BY = "Corrected on %(day)s by %(guardian)s because “%(reason)s”"
CHILD_NOTE = "<strong>Your note</strong>, %(day)s: “%(note)s”"


# Walked once in English and once in Spanish, as the browser asks for it: every control is
# found by the app's own message in that language (``words``), content in that language too.
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_family_from_sign_up_to_licence_and_goodbye(
    language: str, words: Words, page: Page, live_app, clock: FakeClock
):
    app, _ = live_app
    tablet = Tablet(page, words)
    w, lessons = words, words.lessons
    first = next(iter(lessons))
    shots = SCREENSHOTS / "journey" / language

    # A guardian signs up, adds a child, makes this browser the family tablet.
    tablet.sign_up()
    tablet.add_child("Mo", birth_year=2012)
    tablet.make_family_tablet()
    screenshot(page, shots, "picker")
    tablet.open_guardian()
    tablet.set_pin("Mo")
    tablet.click(tablet.link(w(ADD_TRACK, name="Mo")))
    page.get_by_label(w("Social network")).select_option(label="Instagram")
    tablet.click(tablet.button(w("Start the track")))
    tablet.expect_status(
        w("%(child)s starts %(track)s with instruction.", child="Mo", track="Instagram")
    )
    tablet.click(tablet.button(w("We chose which network fits, and why")))
    never = w("We agreed what is never shared (full birth date, address, school, location)")
    tablet.click(tablet.button(never))

    assert tablet.checks.problems == {}, json.dumps(tablet.checks.problems, indent=2)

    # The child unlocks with the PIN and does the first lesson: she leaves it half-way for
    # "Switch person", resumes it and answers one question wrong first. The other lessons
    # play alike (test_every_form.py sends every page of every lesson), so they are recorded
    # as passed and talked through, and the guardian ticks the first one.
    tablet.switch_person()
    tablet.open_child("Mo")
    with app.app_context():
        mo = db.session.scalars(sa.select(Child.id)).one()
    pass_all_lessons(app, mo, keys=list(lessons)[1:])
    tablet.click(tablet.link(w("My lessons")))
    tablet.click(tablet.link(re.compile(re.escape(lessons[first].title))))
    tablet.do_lesson(first, stop_at=2)
    screenshot(page, shots, "lesson")
    tablet.switch_person()
    tablet.open_child("Mo")
    tablet.click(tablet.link(w("My lessons")))
    tablet.resume_lesson(first, at_step=2)
    tablet.do_lesson(first, start=2, one_wrong=True)
    done = "|".join(
        w.pattern(m).pattern
        for m in (
            "Done: quiz %(score)s on the first try",
            "Done: quiz %(score)s at best, over %(goes)s goes",
        )
    )
    done = re.compile(done)
    expect(page.get_by_text(done)).to_have_count(len(lessons))

    tablet.switch_person()
    tablet.open_guardian()
    tablet.click(tablet.link(w(LESSONS_OF, name="Mo")))
    talked = re.compile("^" + re.escape(w("We talked this through")))
    expect(tablet.button(talked, pressed=False)).to_have_count(1)
    tablet.click(tablet.button(talked, pressed=False))
    expect(tablet.button(talked, pressed=True)).to_have_count(len(lessons))

    # The child asks for sign-off in their own words.
    tablet.switch_person()
    tablet.open_child("Mo")
    tablet.click(tablet.link("Instagram", exact=True))
    page.get_by_label(w("In your own words: why are you ready?")).fill("I know what stays private.")
    tablet.click(tablet.button(w("Ask for sign-off")))

    # The guardian's password is older than 5 minutes by now: sign-off asks for it again.
    tablet.switch_person()
    tablet.open_guardian()
    for _ in range(3):
        clock.advance(minutes=2)
        page.reload()  # busy on the dashboard, so the tablet does not lock itself
    request = tablet.region(w("Asking for sign-off"))
    expect(request).to_contain_text("“I know what stays private.”")
    screenshot(page, shots, "dashboard")
    tablet.checks(page)
    request.get_by_label(w("Your password")).fill(PASSWORD)
    sign_off = w(SIGN_OFF, name="Mo", track="Instagram")
    tablet.click(request.get_by_role("button", name=sign_off))
    permit, licence = w("Learner's permit"), w("Licence")
    tablet.expect_status(w(SIGNED, child="Mo", stage=permit, track="Instagram"))

    # Together: the privacy walkthrough, the monitoring arrangement, the check-in schedule.
    tablet.click(tablet.link(w("Go through it together")))
    tablet.click(tablet.button(w("Start the walkthrough")))
    while True:
        page.get_by_role("radio", name=w("Done")).check()
        finish = tablet.button(w("Finish"))
        if finish.count():
            tablet.click(finish)
            break
        tablet.click(tablet.button(w("Save and next")))
    tablet.expect_status(w("Walkthrough finished. Well done, both of you."))
    tablet.click(tablet.link(w("← %(child)s · %(track)s", child="Mo", track="Instagram")))
    tablet.click(tablet.link(w("Choose the arrangement")))
    opens = arrangements_for(language)["show_on_request"]
    page.get_by_role("radio", name=re.compile("^" + re.escape(opens.title))).check()
    tablet.click(tablet.button(w("Save the arrangement")))
    tablet.click(tablet.link(w("Agree the schedule")))
    page.get_by_label(w("How often")).select_option("weekly")
    page.get_by_label(w("Preferred day")).select_option("0")
    page.get_by_label(w("Starting")).fill("2026-03-02")
    page.get_by_label(w("Then, from")).fill("2026-04-13")  # checks lessen over time
    page.get_by_label(w("then check in"), exact=True).select_option("fortnightly")
    tablet.click(tablet.button(w("Propose this schedule")))
    tablet.expect_status(w.pattern("Schedule proposed. It starts once %(child)s taps “I agree”."))
    handover = w("Password handover: the child has set a password of their own")
    tablet.click(tablet.button(re.compile("^" + re.escape(handover))))

    # The child reads both and taps "I agree".
    tablet.switch_person()
    tablet.open_child("Mo")
    tablet.click(tablet.link("Instagram", exact=True))
    for region, label in (
        (w("How a guardian looks in"), w("I agree to this arrangement")),
        (w("Check-ins"), w("I agree to this schedule")),
    ):
        tablet.region(region).get_by_label(label).check()
        tablet.click(tablet.region(region).get_by_role("button", name=w("I agree")))
    expect(tablet.region(w("Check-ins"))).to_contain_text(w("Agreed:"))

    # The child's home page names both agreements in force, with their dates.
    tablet.click(tablet.link(w("My page"), exact=True))
    agreed = tablet.region(w("What you have agreed together"))
    expect(agreed).not_to_contain_text(w.pattern(NOTHING_AGREED))
    how = opens.for_child.lower()
    expect(agreed).to_contain_text(how)
    expect(agreed).to_contain_text(w("Every week"))
    # Looking in is now agreed: every page of the child's shows it, with a link to the terms.
    sign = page.get_by_role("note").filter(
        has_text=w.pattern(LOOKING_IN, account="Instagram", how=how)
    )
    tablet.click(tablet.link(w("My lessons")))
    expect(sign).to_be_visible()

    # A mistake is logged as a learning moment, to be talked through at the first check-in.
    tablet.switch_person()
    tablet.open_guardian()
    tablet.click(tablet.link(re.compile("^Instagram")))
    tablet.click(tablet.link(w("Log a learning moment")))
    page.get_by_label(w("What happened")).fill("Posted the school's name in a story.")
    tablet.click(tablet.button(w("Log it")))
    tablet.switch_person()

    # The child sees that Ada opened the track page: a look, the page after her save is not.
    tablet.open_child("Mo")
    looked = tablet.region(w("Who looked this week"))
    what = w("looked at your %(track)s track and its history", track="Instagram")
    sentence = "%(guardian)s %(what)s %(day)s at %(time)s."
    expect(looked).to_contain_text(w.pattern(sentence, guardian="Ada", what=what, day=w("today")))
    screenshot(page, shots, "child-home-looked")
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
        if page.get_by_role("heading", name=w.pattern("Who's using %(tablet)s?")).count() == 0:
            tablet.switch_person()
        tablet.open_guardian()
        tablet.click(tablet.link(re.compile("^Instagram")))
        # The first is held together, side by side: Mo confirms it with their PIN.
        together = week == 0
        tablet.click(
            tablet.link(w("Hold a check-in together") if together else w("Record a check-in"))
        )
        page.get_by_label(w("Which check-in")).select_option(evening.date().isoformat())
        page.get_by_role("radio", name=w("We held it"), exact=True).check()
        if week == 0:
            moments = page.get_by_role("group", name=w("Learning moments we talked through"))
            moments.get_by_role("checkbox").first.check()
            prompts = page.get_by_role("group", name=w("Prompts we used"))
            prompts.get_by_role("checkbox").first.check()
            screenshot(page, shots, "checkin")
        notes = w("Notes we typed together") if together else w("Notes the child can read")
        page.get_by_label(notes).fill(f"Week {week + 1}: all fine.")
        if together:
            page.get_by_role(
                "radio", name=w("%(child)s confirms with their PIN", child="Mo")
            ).check()
            page.get_by_label(w("PIN"), exact=True).fill(PIN)
        tablet.click(tablet.button(w("Save the check-in")))
        tablet.expect_status(w.pattern("The check-in is recorded."))
        checkins = tablet.region(w("Check-ins"))
        if week == 0:
            expect(checkins).to_contain_text(
                w.pattern("%(child)s confirmed with their PIN, %(when)s.", child="Mo")
            )
            expect(checkins).to_contain_text(w.pattern("Prompts used: %(prompts)s"))
            expect(tablet.region(w("Learning moments"))).to_contain_text("Posted the school's name")
        if week == 1:  # the second one's notes were wrong: corrected, the original kept
            tablet.click(tablet.link(w("Correct this check-in")).first)
            page.get_by_label(w("Notes the child can read")).fill(
                "Week 2: we talked about a pop-up."
            )
            page.get_by_label(w("Why the correction")).fill("I mixed it up with week 3.")
            tablet.click(tablet.button(w("Save the correction")))
            corrected = w.pattern(CORRECTED_BY, guardian="Ada", reason="I mixed it up with week 3.")
            expect(checkins).to_contain_text(corrected)
        tablet.switch_person()

    # The child sees the correction, why, and what it said before.
    tablet.open_child("Mo")
    tablet.click(tablet.link("Instagram", exact=True))
    checkins = tablet.region(w("Check-ins"))
    expect(checkins).to_contain_text("Week 2: we talked about a pop-up.")
    expect(checkins).to_contain_text(w.pattern(CORRECTED, reason="I mixed it up with week 3."))
    expect(checkins).to_contain_text("Week 2: all fine.")
    # The check-in held together says Mo confirmed it; Mo adds a note of her own to it.
    held = checkins.locator("li", has_text="Week 1: all fine.")
    confirmed = w.when(app, evenings[0], "datetime", ZONE)
    expect(held).to_contain_text(w("You confirmed with your PIN, %(when)s.", when=confirmed))
    held.get_by_text(w("Add your own note"), exact=True).click()
    held.get_by_label(w("Add your own note about this check-in")).fill(
        "I liked talking about the story."
    )
    tablet.click(held.get_by_role("button", name=w("Save my note")))
    held = tablet.region(w("Check-ins")).locator("li", has_text="Week 1: all fine.")
    noted = w.when(app, evenings[-1], "date", ZONE)
    note = w(CHILD_NOTE, day=noted, note="I liked talking about the story.")
    expect(held).to_contain_text(note)
    screenshot(page, shots, "child-track-checkins")
    tablet.switch_person()

    # The guardian signs off the licence; the child sees it in their history.
    tablet.open_guardian()
    tablet.click(tablet.link(re.compile("^Instagram")))
    met = w("Requirements met for %(stage)s", stage=licence)
    expect(page.get_by_role("progressbar", name=met)).to_have_attribute("value", "4")
    tablet.click(tablet.button(w("Sign off: %(stage)s", stage=licence)))
    tablet.expect_status(w(SIGNED, child="Mo", stage=licence, track="Instagram"))

    # The family agreement prints.
    printable = w("Our family agreement (printable)")
    tablet.click(tablet.link(printable))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        w("Our family agreement: %(child)s on %(track)s", child="Mo", track="Instagram")
    )
    screenshot(page, shots, "agreement")
    whole = page.get_by_role("main")
    expect(whole).to_contain_text(w("We chose which network fits, and why"))
    expect(whole).to_contain_text(opens.title)
    held_so_far = (
        "Check-ins held so far: %(held)s. Learning moments talked through at a check-in: "
        "%(talked)s."
    )
    expect(whole).to_contain_text(w(held_so_far, held=8, talked=1))
    expect(whole).to_contain_text(hovering_for(language)[0])
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    print_it = w("Print this agreement")
    page.get_by_role("button", name=print_it).click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name=w("Main"))).to_be_hidden()
    expect(page.get_by_role("button", name=print_it)).to_be_hidden()
    pdf = page.pdf(path=shots / "agreement.pdf")
    page.emulate_media(media="screen")
    assert pdf.startswith(b"%PDF")

    tablet.click(tablet.link(w("← Back to the track")))
    tablet.switch_person()
    tablet.open_child("Mo")
    tablet.click(tablet.link("Instagram", exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text(licence)
    signed_off = w(
        "%(who)s signed off: %(from_stage)s → %(to_stage)s.",
        who="Ada",
        from_stage=permit,
        to_stage=licence,
    )
    expect(tablet.region(w("History"))).to_contain_text(signed_off)
    tablet.click(tablet.link(printable))
    expect(page.get_by_role("main")).to_contain_text(
        w.pattern("%(stage)s, since %(day)s.", stage=licence)
    )

    # The guardian downloads the family's data, then deletes the family.
    tablet.switch_person()
    tablet.open_guardian()
    with page.expect_download() as download:
        page.get_by_role("button", name=w("Download our data (JSON)")).click()
    exported = json.loads(download.value.path().read_text())["tables"]
    assert [row["name"] for row in exported["family"]] == ["The Lovelaces"]
    current = [row for row in exported["checkin"] if row["replaced_at"] is None]
    assert len(current) == len(evenings) and len(exported["checkin"]) == len(evenings) + 1
    tablet.click(tablet.link(w("Delete the family…")))
    page.get_by_label(w("Type the name to confirm")).fill("The Lovelaces")
    tablet.click(tablet.button(w("Delete the family and all its data")))
    tablet.expect_status(w("Your family and everything in it are deleted."))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Family.id))) == 0

    assert len(tablet.checks.checked) >= 30, tablet.checks.checked
