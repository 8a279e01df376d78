"""Operations on a child's lesson progress: every step and answer is saved as it happens."""

from __future__ import annotations

import sqlalchemy as sa

from supervisor import clock
from supervisor.content.lessons import Lesson
from supervisor.db import insert_if_missing, set_present
from supervisor.extensions import db
from supervisor.models import Child, Guardian, LessonDiscussion, LessonProgress


def of(child: Child, lesson: Lesson) -> LessonProgress:
    """The child's progress row for ``lesson``, created on first use, locked for this request."""
    insert_if_missing(
        db.session,
        LessonProgress,
        child_id=child.id,
        lesson=lesson.key,
        family_id=child.family_id,
        position=0,
        attempt=1,
        answers={},
        first_try_correct=0,
        started_at=clock.now(),
    )
    return db.session.scalars(
        sa.select(LessonProgress)
        .where(LessonProgress.child_id == child.id, LessonProgress.lesson == lesson.key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def find(child: Child, lesson: Lesson) -> LessonProgress | None:
    return db.session.get(LessonProgress, (child.id, lesson.key))


def reach(row: LessonProgress, position: int) -> None:
    """Remember the furthest point reached, so the child resumes there."""
    row.position = max(row.position, position)


def answered(row: LessonProgress | None, lesson: Lesson, question: int) -> bool:
    """Whether ``question`` was answered right in the current attempt: the child got past it."""
    return row is not None and len(lesson.steps) + question < row.position


def answer(row: LessonProgress, lesson: Lesson, question: int, choice: int) -> bool:
    """Record an answer to ``question``; a right first try adds to the score.

    ``choice`` is the option's own index in the lesson file; the page only shuffles the order
    the options are shown in (``shuffle.order``).

    Only the wrong options tried on the question on screen are kept, to mark them and explain
    the last one; they go once it is answered right. Nobody needs to know later which answers
    a child tried, so nothing else keeps them.
    """
    if answered(row, lesson, question):
        return True  # answered right already: another go changes nothing
    key = str(question)
    tried = row.answers.get(key, [])
    if choice != lesson.quiz[question].answer:
        row.answers = {**row.answers, key: [*tried, choice]}
        return False
    if not tried:
        row.first_try_correct += 1
    row.answers = {k: v for k, v in row.answers.items() if k != key}
    reach(row, len(lesson.steps) + question + 1)
    if row.position >= lesson.length:
        _finish(row)
    return True


def retake(row: LessonProgress, lesson: Lesson) -> None:
    """Start the quiz again for a new first-try score (the best one is kept)."""
    row.attempt += 1
    row.answers = {}  # wrong tries of an earlier attempt are no one's business
    row.first_try_correct = 0
    row.position = len(lesson.steps)


def set_discussed(guardian: Guardian, child: Child, lesson: Lesson, ticked: bool) -> None:
    """Tick or untick "we talked this lesson through" with ``child``."""
    set_present(
        db.session,
        LessonDiscussion,
        (child.id, lesson.key),
        ticked,
        lambda: LessonDiscussion(
            child_id=child.id,
            lesson=lesson.key,
            family_id=child.family_id,
            ticked_by_id=guardian.id,
            ticked_at=clock.now(),
        ),
    )


def _finish(row: LessonProgress) -> None:
    row.completed_at = row.completed_at or clock.now()
    row.best_score = max(row.best_score or 0, row.first_try_correct)
