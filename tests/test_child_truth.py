"""The child's pages, the printable agreement and the export tell the truth (issue 15): a
family walked through the real routes, from sign-up to the licence, with a failed first try.

Every sentence checked here is one a family reads: what the child agreed and when, who must
act next, what guardians can see, and what the agreement says at each stage.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from supervisor.content.lessons import LESSONS
from supervisor.content.walkthroughs import for_platform
from supervisor.extensions import db
from supervisor.models import LearningMoment
from supervisor.stages.instruction import CORE_LESSONS
from tests.conftest import Auth, add_child, tap_i_agree, text

PIN = "4826"
FIRST = next(iter(LESSONS.values()))
PLAN = {
    "frequency": "weekly", "weekday": "0", "at_time": "18:00", "minutes": "20",
    "starts_on": "2026-03-09", "every_days": "", "fade1_on": "2026-05-01",
    "fade1_frequency": "fortnightly", "fade2_on": "", "fade2_frequency": "",
}  # fmt: skip


def words(response) -> str:
    """The page's text without its tags, whitespace folded, as a reader takes it in."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def answer(tablet, lesson, position: int, choice: int) -> str:
    url = f"/me/lessons/{lesson.key}/{position}"
    assert tablet.submit(url, data={"choice": choice}).status_code == 302
    return words(tablet.get(url))


def take_quiz(tablet, lesson, wrong_first: set[int]) -> list[str]:
    """Answer every question, the ones in ``wrong_first`` wrongly once; the feedback shown."""
    feedback = []
    for number, question in enumerate(lesson.quiz):
        position = len(lesson.steps) + number
        if number in wrong_first:
            page = answer(tablet, lesson, position, (question.answer + 1) % len(question.options))
            assert "Not quite." in page and "Try again" in page
        feedback.append(answer(tablet, lesson, position, question.answer))
    return feedback


def do_lesson(tablet, lesson, wrong_first: set[int] = frozenset()) -> list[str]:
    for position in range(len(lesson.steps)):
        assert tablet.submit(f"/me/lessons/{lesson.key}/{position}").status_code == 302
    return take_quiz(tablet, lesson, wrong_first)


@pytest.fixture
def family(app, auth, client, clock):
    """Ada signs up, adds Mia (13), an Instagram track, and the tablet with Mia unlocked."""
    auth.signup()
    child_id = add_child(client, "Mia", PIN, birth_year=2012)
    response = client.submit(
        f"/family/children/{child_id}/tracks/new", data={"platform": "instagram"}
    )
    track = int(response.headers["Location"].rsplit("/", 1)[1])
    tablet = Auth(app.test_client())
    tablet.login()
    tablet.client.submit("/family/devices/", data={"name": "Tablet"})
    assert tablet.client.submit(f"/who/child/{child_id}", data={"pin": PIN}).status_code == 302
    return {"guardian": client, "tablet": tablet.client, "track": track, "child": child_id}


def unlock_again(family, clock) -> None:
    """After time passes: Ada signs in again (a fresh password), Mia opens her profile again."""
    Auth(family["guardian"]).login()
    Auth(family["tablet"]).login()
    family["tablet"].submit(f"/who/child/{family['child']}", data={"pin": PIN})


def test_a_failed_first_try_then_a_pass_is_told_as_it_was(app, family):
    tablet = family["tablet"]
    feedback = do_lesson(tablet, FIRST, wrong_first={0, 1})
    for page, question in zip(feedback, FIRST.quiz, strict=True):
        explain = question.options[question.answer].explain.replace("'", "&#39;")
        assert f"Right! {explain}" in page
        assert "Right! Right" not in page and "Right! Yes." not in page
    done = words(tablet.get(f"/me/lessons/{FIRST.key}/{FIRST.length}"))
    assert "Quiz finished: not passed yet" in done and "Lesson done" not in done
    assert "🎉" not in done
    assert "You got 1 of 3 right on the first try" in done
    listed = words(tablet.get("/me/lessons/"))
    assert "Not passed yet: quiz 1 of 3. Try the quiz again to pass (2 needed)" in listed
    assert 'class="lesson-item next"' in text(tablet.get("/me/lessons/"))  # still to pass

    assert tablet.submit(f"/me/lessons/{FIRST.key}/retake").status_code == 302
    assert "(taking the quiz again)" in words(tablet.get("/me/lessons/"))
    take_quiz(tablet, FIRST, wrong_first=set())
    done = words(tablet.get(f"/me/lessons/{FIRST.key}/{FIRST.length}"))
    assert "Lesson done!" in done and "You have passed this lesson" in done
    assert "You got 3 of 3 right on the first try this time (your best: 3)" in done
    listed = words(tablet.get("/me/lessons/"))
    assert "Done: quiz 3 of 3 at best, over 2 goes" in listed
    assert "on the first try" not in listed.split(FIRST.title, 1)[1].split("</li>", 1)[0]
    # Going back to a question already answered right changes nothing.
    again = answer(tablet, FIRST, len(FIRST.steps), 0)
    assert "Right!" in again

    second = list(LESSONS.values())[1]
    do_lesson(tablet, second)
    listed = words(tablet.get("/me/lessons/"))
    assert (
        f"{second.title} Done: quiz {len(second.quiz)} of {len(second.quiz)} on the first try"
        in listed
    )

    guardian = family["guardian"]
    overview = words(guardian.get(f"/family/children/{family['child']}/lessons"))
    assert "best quiz score 3 of 3 over 2 goes at the quiz" in overview
    assert f"first-try quiz score {len(second.quiz)} of {len(second.quiz)}" in overview

    # What guardians can see: the promise, and the export that keeps it.
    home = words(tablet.get("/me/"))
    assert "your first-try quiz scores and how many times you took each quiz" in home
    assert "Never which answers you picked" in home
    third = list(LESSONS.values())[2]
    for position in range(len(third.steps)):
        tablet.submit(f"/me/lessons/{third.key}/{position}")
    answer(tablet, third, len(third.steps), (third.quiz[0].answer + 1) % 2)  # a wrong try, open
    exported = json.loads(guardian.submit("/family/export").data)
    rows = exported["tables"]["lesson_progress"]
    assert len(rows) == 3 and all("answers" not in row for row in rows)
    assert {row["best_score"] for row in rows} == {3, len(second.quiz), None}


def pass_everything(app, family) -> None:
    """Every lesson through the player, every talk ticked, every instruction rule ticked."""
    tablet, guardian, child = family["tablet"], family["guardian"], family["child"]
    for lesson in LESSONS.values():
        do_lesson(tablet, lesson)
    for key in LESSONS:
        guardian.submit(f"/family/children/{child}/lessons/{key}/discussed", data={"ticked": "y"})


def test_the_child_sees_whose_step_is_next_in_her_own_terms(app, family):
    tablet, guardian, track = family["tablet"], family["guardian"], family["track"]
    home = words(tablet.get("/me/"))
    assert (
        f"Your next step: Pass the quiz of every core lesson ({len(CORE_LESSONS)} lessons to pass)"
        in home
    )
    page = words(tablet.get(f"/me/tracks/{track}"))
    assert "Your step: " in page and "Your guardians tick their checklist" in page
    assert "Your guardians&#39; step: they tick 2 items on their checklist" in page
    assert (
        "Guardian checklist ticked" not in page and "Mia&#39;s" not in page and "Mia's" not in page
    )
    pass_everything(app, family)
    home = words(tablet.get("/me/"))
    assert "Now it is up to your guardians: they tick 2 items on their checklist." in home
    assert "What you have agreed together Nothing yet." in home
    for item in ("network_chosen", "never_share"):
        guardian.submit(f"/family/tracks/{track}/checklist", data={"item": item, "ticked": "y"})
    home = words(tablet.get("/me/"))
    assert "Everything is done for Learner&#39;s permit!" in home
    assert "We chose which network fits, and why (ticked by Ada on 2 Mar 2026)" in home
    assert "Nothing yet" not in home
    asked = tablet.submit(f"/me/tracks/{track}/request", data={"note": "Done!"})
    assert asked.status_code == 302
    history = words(tablet.get(f"/me/tracks/{track}")).split("History", 1)[1]
    assert "You asked for sign-off: “Done!”" in history


def test_agreements_in_force_on_the_home_page_and_the_whole_agreement(app, family, clock):
    tablet, guardian, track = family["tablet"], family["guardian"], family["track"]
    pass_everything(app, family)
    own = guardian.submit(
        f"/family/tracks/{track}/checklist/new", data={"label": "Phones stay downstairs at night"}
    )
    assert own.status_code == 302
    page = text(guardian.get(f"/family/tracks/{track}"))
    for item in re.findall(r'name="item" value="([^"]+)">\s*<input type="hidden"', page):
        guardian.submit(f"/family/tracks/{track}/checklist", data={"item": item, "ticked": "y"})
    signed = guardian.submit(f"/family/tracks/{track}/sign-off", data={"from_stage": "instruction"})
    assert signed.status_code == 302, text(signed)

    # The permit: an arrangement and a fade plan, each waiting for Mia's own "I agree".
    clock.advance(minutes=2)
    guardian.submit(f"/family/tracks/{track}/monitoring", data={"arrangement": "password_known"})
    guardian.submit(f"/family/tracks/{track}/schedule", data=PLAN)
    page = words(tablet.get(f"/me/tracks/{track}"))
    assert "Waiting for your “I agree”." in page
    assert "Proposed, waiting for your “I agree”:" in page
    assert "Mia&#39;s" not in page and "Mia's" not in page
    home = words(tablet.get("/me/"))
    assert "How your guardians look in is waiting for your “I agree”." in home
    assert "A check-in schedule is waiting for your “I agree”." in home
    clock.advance(minutes=3)
    assert tap_i_agree(tablet, track, "agree-arrangement").status_code == 302
    assert tap_i_agree(tablet, track).status_code == 302
    page = words(tablet.get(f"/me/tracks/{track}"))
    assert "You agreed 2 Mar 2026, 09:05." in page

    home = words(tablet.get("/me/"))
    agreed = home.split("What you have agreed together", 1)[1]
    assert "Nothing yet" not in agreed
    assert (
        "How your guardians look in: your guardians know your password and may log in to look. "
        "Your guardians chose it on 2 Mar 2026; you agreed on 2 Mar 2026." in agreed
    )
    assert (
        "Check-ins: Every week, Mondays at 18:00; then from 1 May 2026: Every two weeks, "
        "Mondays at 18:00, about 20 minutes." in agreed
    )
    assert "Your guardians agreed on 2 Mar 2026; you agreed on 2 Mar 2026." in agreed
    assert "We agreed what is never shared" in agreed
    assert "Phones stay downstairs at night (ticked by Ada on 2 Mar 2026)" in agreed

    # The privacy walkthrough, a learning moment, and the check-in that talked it through.
    guide = for_platform("instagram")
    run = guardian.submit(f"/family/tracks/{track}/walkthrough").headers["Location"]
    base = run.rsplit("/", 1)[0]
    outcomes = ["done", "different", "not_found"]
    for step in range(len(guide.steps)):
        outcome = outcomes[step % 3]
        note = {"note": "Public, for the art club"} if outcome == "different" else {}
        guardian.submit(f"{base}/{step}", data={"outcome": outcome, **note})
    guardian.submit(
        f"/family/tracks/{track}/moments/new",
        data={"kind": "overshared", "what_happened": "Posted the school badge", "lesson": ""},
    )
    guardian.submit(
        f"/family/tracks/{track}/moments/new",
        data={"kind": "too_long", "what_happened": "Scrolled past bedtime", "lesson": ""},
    )
    clock.current = datetime(2026, 3, 9, 19, 0, tzinfo=UTC)
    unlock_again(family, clock)
    with app.app_context():
        moment_id = db.session.scalars(
            sa.select(LearningMoment.id).where(LearningMoment.kind == "overshared")
        ).one()
    recorded = guardian.submit(
        f"/family/tracks/{track}/checkins/new",
        data={"due_on": "2026-03-09", "held": "held", "moments": str(moment_id)},
    )
    assert recorded.status_code == 302, text(recorded)

    for reader in (guardian, tablet):
        url = (
            f"/family/tracks/{track}/agreement"
            if reader is guardian
            else f"/me/tracks/{track}/agreement"
        )
        sheet = words(reader.get(url))
        assert "None ticked" not in sheet
        assert (
            "We chose which network fits, and why (Instruction; ticked by Ada on 2 Mar 2026)"
            in sheet
        )
        assert "Phones stay downstairs at night (Instruction; ticked by Ada" in sheet
        assert "The guardian knows the password and may log in to look." in sheet
        assert "Chosen by Ada 2 Mar 2026, 09:02; agreed by Mia 2 Mar 2026, 09:05." in sheet
        assert "From 9 March 2026: Every week, Mondays at 18:00, about 20 minutes" in sheet
        assert (
            "From 1 May 2026: Every two weeks, Mondays at 18:00" in sheet
            and "(a step of the fade plan)" in sheet
        )
        assert "Agreed by Ada 2 Mar 2026, 09:02 and by Mia 2 Mar 2026, 09:05." in sheet
        assert f"We went through “{guide.title}” together" in sheet
        assert f"{guide.steps[0].setting}: Done" in sheet
        assert (
            f"{guide.steps[1].setting}: We chose differently (“Public, for the art club”)" in sheet
        )
        assert f"{guide.steps[2].setting}: Couldn&#39;t find it" in sheet
        assert (
            "Check-ins held so far: 1. Learning moments talked through at a check-in: 1." in sheet
        )
        assert "Your guardians promise you:" in sheet
        assert "We will never post, comment or like on your account." in sheet
        assert "Never post" not in sheet

    # The licence: what ended and when, and Mia's own choices.
    clock.current = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    unlock_again(family, clock)
    licence = guardian.submit(
        f"/family/tracks/{track}/sign-off",
        data={"from_stage": "permit", "override_reason": "Ready early."},
    )
    assert licence.status_code == 302, text(licence)
    chosen = tablet.submit(
        f"/me/tracks/{track}/connections", data={"connection": ["monthly_chat", "tell_if_wrong"]}
    )
    assert chosen.status_code == 302
    refused = tablet.submit(
        f"/me/tracks/{track}/agree-arrangement", data={"agree": "y", "terms": "password_known"}
    )
    assert "There is no arrangement waiting for your “I agree”." in words(
        tablet.get(refused.headers["Location"])
    )
    page = words(tablet.get(f"/me/tracks/{track}"))
    assert "You have your licence for Instagram!" in page and "🎉" not in page
    assert "monitoring-sign" not in text(tablet.get(f"/me/tracks/{track}"))
    sheet = words(guardian.get(f"/family/tracks/{track}/agreement"))
    assert "Not agreed yet" not in sheet
    assert "The guardian knows the password and may log in to look." in sheet
    assert "Ended with the licence 10 Mar 2026." in sheet
    assert sheet.count("Ended with the licence 10 Mar 2026.") == 2  # looking in and check-ins
    assert "From 9 March 2026: Every week, Mondays at 18:00" in sheet
    assert "We promised you:" in sheet
    assert "Mia chose: A short monthly chat about what&#39;s new online" in sheet
    assert "Tell a guardian if something goes wrong" in sheet
    assert "No yearly refresher is planned." in sheet
    assert "We chose which network fits, and why (Instruction;" in sheet  # still agreed
    guardian.submit(f"/family/tracks/{track}/refresher", data={"on": "y"})
    sheet = words(guardian.get(f"/family/tracks/{track}/agreement"))
    assert "A yearly refresher together is on: the first is due 10 Mar 2027." in sheet
    home = words(tablet.get("/me/"))
    agreed = home.split("What you have agreed together", 1)[1]
    assert (
        "Your licence since 10 Mar 2026: your guardians stopped looking in (your guardians know "
        "your password and may log in to look) and monitored check-ins ended." in agreed
    )
    assert "Ways to stay connected you chose: A short monthly chat" in agreed
    assert "Your guardians look in:" not in home
