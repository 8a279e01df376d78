"""Content in the page's language: lessons and their quizzes, prompts, topics, helplines,
licence tips and connections, and the monitoring arrangements with the promises against
hovering, read in Spanish when the page is Spanish, and in English when it is English, even
on the same tablet.

The interface stays English here (the Spanish catalog is merged separately); the content has
translations of its own, so it follows the page's language already.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale
from markupsafe import escape

from supervisor.content.helplines import helplines_for
from supervisor.content.lessons import lessons_for, prompts_for, topics_for
from supervisor.content.licence_tips import connections_for, tips_for
from supervisor.content.monitoring import arrangements_for, hovering_for
from supervisor.extensions import db
from supervisor.lessons import scoring
from supervisor.models import CheckIn, LessonProgress
from supervisor.web.language import content_language
from tests.conftest import (
    PASSWORD,
    Auth,
    Client,
    add_child,
    make_app,
    pass_all_lessons,
    tap_i_agree,
    text,
)
from tests.conftest import weekly_schedule as plan
from tests.test_permit import MONDAY_EVENING

PIN = "4826"
ENGLISH, SPANISH = lessons_for("en"), lessons_for("es")
FIRST = next(iter(SPANISH))


@pytest.fixture
def es_app(app: Flask) -> Iterator[Flask]:
    """An app (on the emptied test database) that offers Spanish beside English."""
    own = make_app(app.config["DATABASE_URL"], LANGUAGES=("en", "es"))
    yield own
    with own.app_context():
        db.engine.dispose()


def browser(app: Flask, language: str | None = None) -> Client:
    """A browser that asks for ``language`` (or for nothing: English)."""
    client = app.test_client()
    assert isinstance(client, Client)
    if language:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def has(page: str, words: str) -> bool:
    return str(escape(words)) in page


@pytest.fixture
def family(es_app: Flask, clock) -> dict[str, object]:
    """Ada, whose browser asks for Spanish, with Mia (13), an Instagram track, and a tablet
    that asks for Spanish too, with Mia's profile open on it."""
    guardian = browser(es_app, "es")
    Auth(guardian).signup()
    child = add_child(guardian, "Mia", PIN, birth_year=2012)
    added = guardian.submit(f"/family/children/{child}/tracks/new", data={"platform": "instagram"})
    track = int(added.headers["Location"].rsplit("/", 1)[1])
    tablet = browser(es_app, "es")
    Auth(tablet).login()
    tablet.submit("/family/devices/", data={"name": "Tablet"})
    assert tablet.submit(f"/who/child/{child}", data={"pin": PIN}).status_code == 302
    return {"app": es_app, "guardian": guardian, "tablet": tablet, "child": child, "track": track}


def to_permit(family: dict[str, object]) -> None:
    app, guardian = family["app"], family["guardian"]
    assert isinstance(app, Flask) and isinstance(guardian, Client)
    pass_all_lessons(app, int(str(family["child"])))
    response = guardian.submit(
        f"/family/tracks/{family['track']}/sign-off",
        data={"from_stage": "instruction", "override_reason": "ready"},
    )
    assert response.status_code == 302, text(response)


def test_a_spanish_lesson_page_and_its_quiz_scored_right(family):
    tablet, app = family["tablet"], family["app"]
    spanish, english = SPANISH[FIRST], ENGLISH[FIRST]
    index = text(tablet.get("/me/lessons/"))
    assert has(index, spanish.title) and not has(index, english.title)
    step = text(tablet.get(f"/me/lessons/{FIRST}/0"))
    assert has(step, spanish.steps[0].title) and has(step, spanish.steps[0].text_for(13))
    assert not has(step, english.steps[0].title)
    for position in range(len(spanish.steps)):
        assert tablet.submit(f"/me/lessons/{FIRST}/{position}").status_code == 302
    question = spanish.quiz[0]
    shown = text(tablet.get(f"/me/lessons/{FIRST}/{len(spanish.steps)}"))
    assert has(shown, question.question)
    assert all(has(shown, option.text) for option in question.options)
    # The right answer is the option in the same place in every language.
    for number, asked in enumerate(spanish.quiz):
        url = f"/me/lessons/{FIRST}/{len(spanish.steps) + number}"
        assert tablet.submit(url, data={"choice": asked.answer}).status_code == 302
        assert has(text(tablet.get(url)), asked.options[asked.answer].explain)
    with app.app_context():
        row = db.session.scalars(sa.select(LessonProgress)).one()
        assert row.completed_at is not None and row.first_try_correct == len(spanish.quiz)
        assert scoring.passed(FIRST, row.best_score)
    end = text(tablet.get(f"/me/lessons/{FIRST}/{spanish.length}"))
    assert all(has(end, prompt) for prompt in spanish.prompts)
    # The guardian's overview of the child's lessons is in the guardian's page's language.
    overview = text(family["guardian"].get(f"/family/children/{family['child']}/lessons"))
    assert has(overview, spanish.title) and has(overview, spanish.prompts[0])


def test_a_wrong_answer_in_spanish_is_wrong(family):
    tablet, app = family["tablet"], family["app"]
    lesson = SPANISH[FIRST]
    for position in range(len(lesson.steps)):
        tablet.submit(f"/me/lessons/{FIRST}/{position}")
    question = lesson.quiz[0]
    wrong = (question.answer + 1) % len(question.options)
    url = f"/me/lessons/{FIRST}/{len(lesson.steps)}"
    tablet.submit(url, data={"choice": wrong})
    assert has(text(tablet.get(url)), question.options[wrong].explain)
    with app.app_context():
        row = db.session.scalars(sa.select(LessonProgress)).one()
        assert row.first_try_correct == 0 and row.position == len(lesson.steps)


def test_the_prompt_bank_and_the_checkin_form_offer_spanish_prompts(family, clock):
    guardian, track = family["guardian"], family["track"]
    bank = text(guardian.get("/family/prompts"))
    spanish = [p for p in prompts_for("es") if p.key.startswith("bank-")]
    english = [p for p in prompts_for("en") if p.key.startswith("bank-")]
    assert has(bank, spanish[0].text) and not has(bank, english[0].text)
    assert has(bank, topics_for("es")[spanish[0].topic])
    # The family's own prompt: the topics it may have are named in Spanish, and so is the
    # topic of one it wrote (its words stay as the family wrote them).
    assert all(has(bank, words) for words in topics_for("es").values())
    mine = {"text": "What made you laugh online?", "stage": "licence", "topic": "time"}
    assert guardian.submit("/family/prompts", data=mine).status_code == 302
    own = text(guardian.get("/family/own/"))
    assert has(own, mine["text"]) and has(own, topics_for("es")["time"])
    assert not has(own, topics_for("en")["time"])
    to_permit(family)
    response = guardian.submit(f"/family/tracks/{track}/schedule", data=plan(date(2026, 3, 9)))
    assert response.status_code == 302, text(response)
    assert tap_i_agree(family["tablet"], track).status_code == 302
    clock.current = MONDAY_EVENING
    Auth(guardian).login()
    form = text(guardian.get(f"/family/tracks/{track}/checkins/new"))
    offered = [p for p in prompts_for("es") if p.stage == "permit"][:8]
    assert all(has(form, prompt.text) for prompt in offered)
    assert not has(form, next(p for p in prompts_for("en") if p.stage == "permit").text)
    together = text(guardian.get(f"/family/tracks/{track}/checkins/together"))
    assert has(together, offered[0].text)
    # A check-in keeps the words of the prompts it used, as they were read.
    response = guardian.submit(
        f"/family/tracks/{track}/checkins/new",
        data={"due_on": "2026-03-09", "held": "held", "prompts": offered[0].key},
    )
    assert response.status_code == 302, text(response)
    with family["app"].app_context():
        used = db.session.scalars(sa.select(CheckIn.prompts_used)).one()
    assert used == [offered[0].text]


def test_the_help_pages_read_the_helplines_in_spanish(family):
    spanish, english = helplines_for("es").for_country("GB"), helplines_for("en").for_country("GB")
    child_page = text(family["tablet"].get("/me/help/"))
    for mine, theirs in zip(spanish, english, strict=True):
        if mine.for_child:
            assert has(child_page, mine.for_child) and not has(child_page, theirs.for_child or "")
    guardian_page = text(family["guardian"].get("/family/help/"))
    assert all(has(guardian_page, service.for_parent) for service in spanish)
    assert not has(guardian_page, english[0].for_parent)


def test_the_arrangements_and_promises_read_in_spanish_on_every_page(family):
    guardian, tablet, track = family["guardian"], family["tablet"], family["track"]
    to_permit(family)
    spanish, english = arrangements_for("es"), arrangements_for("en")
    choose = text(guardian.get(f"/family/tracks/{track}/monitoring"))
    assert all(has(choose, a.title) and has(choose, a.explanation) for a in spanish.values())
    assert all(has(choose, line) for line in hovering_for("es"))
    assert not has(choose, english["follow"].title) and not has(choose, hovering_for("en")[0])
    response = guardian.submit(
        f"/family/tracks/{track}/monitoring", data={"arrangement": "show_on_request"}
    )
    assert response.status_code == 302
    chosen = spanish["show_on_request"]
    track_page = text(guardian.get(f"/family/tracks/{track}"))
    assert has(track_page, chosen.title) and has(track_page, chosen.explanation)
    child_page = text(tablet.get(f"/me/tracks/{track}"))
    assert has(child_page, chosen.for_child) and has(child_page, chosen.explanation_for_child)
    assert not has(child_page, english["show_on_request"].for_child)
    assert tap_i_agree(tablet, track, "agree-arrangement").status_code == 302
    # The sign on every page of a watched child, and the printable agreement.
    assert has(text(tablet.get("/me/lessons/")), chosen.for_child.lower())
    agreement = text(guardian.get(f"/family/tracks/{track}/agreement"))
    assert has(agreement, chosen.title) and all(has(agreement, x) for x in hovering_for("es"))
    assert not has(agreement, english["show_on_request"].title)
    together = text(guardian.get(f"/family/tracks/{track}/checkins/together"))
    assert has(together, chosen.named.format(child="Mia"))


def test_the_licence_tips_and_connections_read_in_spanish(family):
    guardian, tablet, track = family["guardian"], family["tablet"], family["track"]
    to_permit(family)
    response = guardian.submit(
        f"/family/tracks/{track}/sign-off",
        data={"from_stage": "permit", "override_reason": "ready"},
    )
    assert response.status_code == 302, text(response)
    page = text(tablet.get(f"/me/tracks/{track}"))
    assert all(has(page, tip) for tip in tips_for("es"))
    assert all(has(page, words) for words in connections_for("es").values())
    assert not has(page, tips_for("en")[0]) and not has(page, connections_for("en")["monthly_chat"])
    chosen = tablet.submit(f"/me/tracks/{track}/connections", data={"connection": "monthly_chat"})
    assert chosen.status_code == 302
    monthly = connections_for("es")["monthly_chat"]
    assert has(text(tablet.get("/me/")), monthly)
    assert has(text(guardian.get(f"/family/tracks/{track}")), monthly)
    assert has(text(guardian.get(f"/family/tracks/{track}/agreement")), monthly)


def test_a_spanish_child_and_an_english_guardian_on_the_same_tablet(es_app):
    """Mia's profile speaks Spanish; Ada, on the same tablet with an English browser, reads
    the same lessons in English."""
    tablet = browser(es_app)
    Auth(tablet).signup()
    child = add_child(tablet, "Mia", PIN, birth_year=2012)
    response = tablet.submit(
        f"/family/children/{child}/edit",
        data={"display_name": "Mia", "avatar": "fox", "colour": "sky", "language": "es"},
    )
    assert response.status_code == 302
    tablet.submit("/family/devices/", data={"name": "Kitchen tablet"})
    assert tablet.submit(f"/who/child/{child}", data={"pin": PIN}).status_code == 302
    spanish, english = SPANISH[FIRST], ENGLISH[FIRST]
    mine = text(tablet.get("/me/lessons/"))
    assert has(mine, spanish.title) and not has(mine, english.title)
    assert has(
        text(tablet.get("/me/help/")), helplines_for("es").for_country("GB")[0].for_child or ""
    )

    tablet.submit("/logout")  # "Switch person": Ada opens her own profile with her password
    picker = text(tablet.get("/who"))
    link = picker.split('href="/who/guardian/')[1].split('"')[0]
    assert tablet.submit(f"/who/guardian/{link}", data={"password": PASSWORD}).status_code == 302
    theirs = text(tablet.get(f"/family/children/{child}/lessons"))
    assert has(theirs, english.title) and not has(theirs, spanish.title)
    bank = text(tablet.get("/family/prompts"))
    assert has(bank, prompts_for("en")[-1].text) and not has(bank, prompts_for("es")[-1].text)


def test_the_next_step_names_the_lesson_in_the_pages_language(family):
    guardian = family["guardian"]
    spanish, english = SPANISH[FIRST].title, ENGLISH[FIRST].title
    for page in ("/family/", f"/family/tracks/{family['track']}"):
        shown = text(guardian.get(page))
        assert has(shown, f"lección 1, «{spanish}»") and not has(shown, english)


def test_content_follows_the_locale_a_mail_is_written_in(es_app):
    """A mail is rendered under its recipient's language: content reads that, not the
    request's; a language content has no translation for reads English."""
    with es_app.test_request_context(headers={"Accept-Language": "en"}):
        assert content_language() == "en"
        with force_locale("es"):
            assert content_language() == "es"
        with force_locale("fr"):
            assert content_language() == "en"
    with es_app.app_context(), force_locale("es"):
        assert content_language() == "es"


def test_english_pages_keep_their_english_content(es_app):
    """Without Spanish asked for, nothing changes."""
    guardian = browser(es_app)
    Auth(guardian).signup()
    bank = text(guardian.get("/family/prompts"))
    assert has(bank, prompts_for("en")[-1].text) and not has(bank, prompts_for("es")[-1].text)
    help_page = text(guardian.get("/family/help/"))
    assert has(help_page, helplines_for("en").for_country("GB")[0].for_parent)
