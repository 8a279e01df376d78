"""Operations on a child's lesson progress: every step and answer is saved as it happens."""

from __future__ import annotations

import sqlalchemy as sa

from supervisor import clock
from supervisor.db import insert_if_missing
from supervisor.extensions import db
from supervisor.lessons.content import Lesson
from supervisor.models import Child, LessonProgress


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


def answer(row: LessonProgress, lesson: Lesson, question: int, choice: int) -> bool:
    """Record an answer to ``question``; a right first try adds to the score."""
    tried = list(row.answers.get(str(question), []))
    correct = choice == lesson.quiz[question].answer
    if not tried and correct:
        row.first_try_correct += 1
    row.answers = {**row.answers, str(question): [*tried, choice]}
    if correct:
        reach(row, len(lesson.steps) + question + 1)
        if row.position >= lesson.length:
            _finish(row)
    return correct


def retake(row: LessonProgress, lesson: Lesson) -> None:
    """Start the quiz again for a new first-try score (the best one is kept)."""
    row.attempt += 1
    row.answers = {}
    row.first_try_correct = 0
    row.position = len(lesson.steps)


def _finish(row: LessonProgress) -> None:
    row.completed_at = row.completed_at or clock.now()
    row.best_score = max(row.best_score or 0, row.first_try_correct)
