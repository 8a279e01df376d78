"""Guardians' side of instruction: each child's lessons, the "we talked it through" tick,
and the discussion-prompt bank with the family's own prompts."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from supervisor.content.lessons import LESSONS, OLDER_FROM, lessons_for, topics_for
from supervisor.extensions import db
from supervisor.family import own_words
from supervisor.lessons import operations, prompts, scoring
from supervisor.models import Child, LessonDiscussion, LessonProgress
from supervisor.stages.ages import age_now
from supervisor.stages.base import StageKey
from supervisor.web.access import current_guardian, family_row_or_404, require_guardian
from supervisor.web.forms.fields import required
from supervisor.web.forms.lessons import DiscussedForm, FamilyPromptForm
from supervisor.web.language import content_language

bp = Blueprint("family_lessons", __name__, url_prefix="/family")
bp.before_request(require_guardian)


@bp.get("/children/<int:child_id>/lessons")
def child_lessons(child_id: int) -> str:
    """A child's lessons: done or not, first-try scores, prompts, and the discussed tick."""
    child = family_row_or_404(Child, child_id)
    rows = {
        r.lesson: r
        for r in db.session.scalars(
            sa.select(LessonProgress).where(LessonProgress.child_id == child.id)
        )
    }
    discussed = {
        d.lesson: d
        for d in db.session.scalars(
            sa.select(LessonDiscussion).where(LessonDiscussion.child_id == child.id)
        )
    }
    return render_template(
        "lessons/child_overview.html",
        child=child,
        lessons=lessons_for(content_language()),
        rows=rows,
        discussed=discussed,
        age=age_now(child.birth_year, child.birth_month),
        older_from=OLDER_FROM,
        passed=scoring.passed,
        pass_mark=scoring.pass_mark,
    )


@bp.post("/children/<int:child_id>/lessons/<key>/discussed")
def discussed(child_id: int, key: str) -> Response:
    """Tick or untick "we talked this lesson through"."""
    child = family_row_or_404(Child, child_id)
    if key not in LESSONS:
        abort(404)
    form = DiscussedForm()
    if form.validate_on_submit():
        operations.set_discussed(current_guardian(), child, LESSONS[key], form.ticked.data)
    return redirect(url_for("family_lessons.child_lessons", child_id=child.id, _anchor=key))


@bp.route("/prompts", methods=["GET", "POST"])
def prompt_bank() -> str | Response:
    """Every discussion prompt by stage and topic, and a form to add the family's own."""
    family_id = current_guardian().family_id
    form = FamilyPromptForm()
    if form.validate_on_submit():
        own_words.add_prompt(
            family_id,
            required(form.stage.data),
            required(form.topic.data),
            required(form.text.data),
        )
        flash(_("Your prompt is in the bank."), "success")
        return redirect(url_for("family_lessons.prompt_bank"))
    language = content_language()
    everything = sorted(prompts.for_family(family_id, language), key=lambda p: p.topic)
    by_stage = [(stage, [p for p in everything if p.stage == stage]) for stage in StageKey]
    grouped = [(stage, items) for stage, items in by_stage if items]
    return render_template(
        "lessons/prompts.html", grouped=grouped, topics=topics_for(language), form=form
    )
