"""The lesson player on the child's profile: one step or question per page, no script needed.

Every POST saves the position first, so "Switch person" or the idle lock never loses more
than the page on screen; opening the lesson again resumes where the child left off.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from supervisor.content.lessons import Lesson, lessons_for
from supervisor.extensions import db
from supervisor.lessons import operations, scoring, shuffle
from supervisor.models import LessonProgress
from supervisor.stages.ages import age_now
from supervisor.web.access import current_child, require_child
from supervisor.web.language import content_language

bp = Blueprint("lessons", __name__, url_prefix="/me/lessons")
bp.before_request(require_child)


def _lesson_or_404(key: str) -> Lesson:
    """The lesson in the page's language: its quiz has the same options in the same places in
    every language, so an answer is scored the same whichever the child read."""
    lesson = lessons_for(content_language()).get(key)
    if lesson is None:
        abort(404)
    return lesson


@bp.get("/")
def index() -> str:
    """All lessons: which are done, which is next."""
    child = current_child()
    rows = {
        row.lesson: row
        for row in db.session.scalars(
            sa.select(LessonProgress).where(LessonProgress.child_id == child.id)
        )
    }
    lessons = lessons_for(content_language())
    upcoming = next(
        (k for k in lessons if not scoring.passed(k, rows[k].best_score if k in rows else None)),
        None,
    )
    return render_template(
        "lessons/index.html",
        lessons=lessons,
        rows=rows,
        next_key=upcoming,
        passed=scoring.passed,
        pass_mark=scoring.pass_mark,
    )


@bp.get("/<key>")
def resume(key: str) -> Response:
    """Open a lesson where the child left off."""
    lesson = _lesson_or_404(key)
    row = operations.find(current_child(), lesson)
    return redirect(url_for("lessons.page", key=key, position=row.position if row else 0))


@bp.route("/<key>/<int:position>", methods=["GET", "POST"])
def page(key: str, position: int) -> str | Response | tuple[str, int]:
    """One step, one quiz question, or the end of the lesson."""
    lesson = _lesson_or_404(key)
    child = current_child()
    row = operations.find(child, lesson)
    reached = row.position if row else 0
    if position > min(reached, lesson.length):
        return redirect(url_for("lessons.page", key=key, position=min(reached, lesson.length)))
    question = position - len(lesson.steps)
    error = None
    if request.method == "POST" and position < lesson.length:
        row = operations.of(child, lesson)
        if question < 0:
            operations.reach(row, position + 1)
            return redirect(url_for("lessons.page", key=key, position=position + 1))
        choice = request.form.get("choice", type=int)
        if choice is None or not 0 <= choice < len(lesson.quiz[question].options):
            error = _("Pick one of the answers first.")
        else:
            operations.answer(row, lesson, question, choice)
            return redirect(url_for("lessons.page", key=key, position=position))
    tried = row.answers.get(str(question), []) if row and question >= 0 else []
    shown: list[int] = []
    if 0 <= question < len(lesson.quiz):
        count = len(lesson.quiz[question].options)
        shown = shuffle.order(child.id, lesson.key, row.attempt if row else 1, question, count)
    return render_template(
        "lessons/page.html",
        lesson=lesson,
        position=position,
        question=question,
        tried=tried,
        shown=shown,
        answered_right=question >= 0 and operations.answered(row, lesson, question),
        row=row,
        age=age_now(child.birth_year, child.birth_month),
        error=error,
        pass_mark=scoring.pass_mark(lesson),
        passed=scoring.passed(lesson.key, row.best_score if row else None),
    ), 400 if error else 200


@bp.post("/<key>/retake")
def retake(key: str) -> Response:
    """Take the quiz again for a better first-try score."""
    lesson = _lesson_or_404(key)
    row = operations.find(current_child(), lesson)
    if row is None or row.completed_at is None:
        abort(404)
    row = operations.of(current_child(), lesson)
    operations.retake(row, lesson)
    return redirect(url_for("lessons.page", key=key, position=len(lesson.steps)))
