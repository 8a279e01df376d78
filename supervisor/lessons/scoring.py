"""When a quiz counts as passed: a first-try score of at least 60% on a finished attempt."""

from __future__ import annotations

import math

from supervisor.content.lessons import LESSONS, Lesson

PASS_SHARE = 0.6


def pass_mark(lesson: Lesson) -> int:
    return math.ceil(PASS_SHARE * len(lesson.quiz))


def passed(lesson_key: str, best_score: int | None) -> bool:
    lesson = LESSONS.get(lesson_key)
    return lesson is not None and best_score is not None and best_score >= pass_mark(lesson)
