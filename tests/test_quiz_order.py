"""Quiz options in a shuffled order: different per child and attempt, the same on every
reload, while answers are saved and scored by each option's own index in the lesson file."""

from __future__ import annotations

import html
import re

import pytest

from supervisor.content.lessons import LESSONS
from supervisor.extensions import db
from supervisor.lessons import shuffle
from supervisor.models import LessonProgress
from tests.conftest import Auth, add_child, text

PIN = "4826"
LESSON = LESSONS["01-anything-posted"]
RADIO = re.compile(r'name="choice" value="(\d+)" required>\s*<span>(.*?)</span>')


@pytest.fixture
def tablet(app, auth, client):
    """A guardian with two children, Mo and Ana, and this client as the family tablet."""
    auth.signup()
    client.children = [add_child(client, "Mo", PIN), add_child(client, "Ana", PIN)]
    client.submit("/family/devices/", data={"name": "Tablet"})
    return client


def unlock(tablet, child_id: int) -> None:
    tablet.submit("/logout")
    assert tablet.submit(f"/who/child/{child_id}", data={"pin": PIN}).status_code == 302


def read_steps(tablet) -> None:
    for position in range(len(LESSON.steps)):
        assert tablet.submit(f"/me/lessons/{LESSON.key}/{position}").status_code == 302


def shown(tablet, question: int) -> list[tuple[int, str]]:
    """The options on the question's page, top to bottom: (posted value, text)."""
    page = text(tablet.get(f"/me/lessons/{LESSON.key}/{len(LESSON.steps) + question}"))
    return [(int(value), html.unescape(label)) for value, label in RADIO.findall(page)]


def values(tablet, question: int) -> list[int]:
    return [value for value, _ in shown(tablet, question)]


def take_quiz(tablet) -> list[list[int]]:
    """Answer every question right (the next opens only then); the order each one showed."""
    seen = []
    for number, question in enumerate(LESSON.quiz):
        order = values(tablet, number)
        assert values(tablet, number) == order  # a reload shows the same order
        url = f"/me/lessons/{LESSON.key}/{len(LESSON.steps) + number}"
        assert tablet.submit(url, data={"choice": question.answer}).status_code == 302
        seen.append(order)
    return seen


def test_an_order_is_every_option_once_and_depends_on_child_and_attempt():
    order = shuffle.order(7, LESSON.key, 1, 0, 3)
    assert sorted(order) == [0, 1, 2]
    assert shuffle.order(7, LESSON.key, 1, 0, 3) == order
    every = {
        tuple(shuffle.order(child, LESSON.key, attempt, question, 3))
        for child in range(1, 6)
        for attempt in (1, 2)
        for question in range(3)
    }
    assert len(every) == 6  # all six orders of three options turn up


def test_each_option_shows_its_own_text_and_posts_its_own_index(app, tablet):
    unlock(tablet, tablet.children[0])
    read_steps(tablet)
    seen = []
    for number, question in enumerate(LESSON.quiz):
        options = shown(tablet, number)
        assert sorted(options) == [(i, o.text) for i, o in enumerate(question.options)]
        seen.append([value for value, _ in options])
        url = f"/me/lessons/{LESSON.key}/{len(LESSON.steps) + number}"
        tablet.submit(url, data={"choice": question.answer})
    assert any(order != sorted(order) for order in seen)  # not simply the file's order


def test_two_children_see_different_orders_and_each_keeps_theirs(app, tablet):
    mo, ana = tablet.children
    unlock(tablet, mo)
    read_steps(tablet)
    first = values(tablet, 0)
    unlock(tablet, ana)
    read_steps(tablet)
    anas = take_quiz(tablet)
    unlock(tablet, mo)  # Mo comes back to the lesson later: nothing has moved
    assert values(tablet, 0) == first
    mos = take_quiz(tablet)
    assert mos[0] == first and mos != anas


def test_picking_the_right_text_in_shuffled_order_scores_and_the_guardian_sees_it(app, tablet):
    mo = tablet.children[0]
    unlock(tablet, mo)
    read_steps(tablet)
    for number, question in enumerate(LESSON.quiz):
        position = len(LESSON.steps) + number
        right = question.options[question.answer].text
        value = next(value for value, label in shown(tablet, number) if label == right)
        assert value == question.answer  # the file's index, wherever the option was shown
        assert tablet.submit(f"/me/lessons/{LESSON.key}/{position}", data={"choice": value})
        assert "Right!" in text(tablet.get(f"/me/lessons/{LESSON.key}/{position}"))
    with app.app_context():
        row = db.session.get(LessonProgress, (mo, LESSON.key))
        assert (row.first_try_correct, row.best_score, row.answers) == (3, 3, {})
    guardian = Auth(app.test_client())
    guardian.login()
    overview = " ".join(text(guardian.client.get(f"/family/children/{mo}/lessons")).split())
    assert "first-try quiz score 3 of 3" in overview


def test_a_wrong_pick_is_kept_by_index_and_marked_wherever_it_shows(app, tablet):
    mo = tablet.children[0]
    unlock(tablet, mo)
    read_steps(tablet)
    question = LESSON.quiz[0]
    wrong = next(i for i, option in enumerate(question.options) if not option.correct)
    tablet.submit(f"/me/lessons/{LESSON.key}/{len(LESSON.steps)}", data={"choice": wrong})
    with app.app_context():
        assert db.session.get(LessonProgress, (mo, LESSON.key)).answers == {"0": [wrong]}
    page = text(tablet.get(f"/me/lessons/{LESSON.key}/{len(LESSON.steps)}"))
    marked = re.search(r'<label class="answer tried">\s*<input[^>]*value="(\d+)"', page)
    assert marked and int(marked.group(1)) == wrong
    assert html.unescape(page).count(question.options[wrong].explain) == 1


def test_taking_the_quiz_again_shuffles_it_afresh(app, tablet):
    unlock(tablet, tablet.children[0])
    read_steps(tablet)
    first = take_quiz(tablet)
    assert tablet.submit(f"/me/lessons/{LESSON.key}/retake").status_code == 302
    assert take_quiz(tablet) != first
