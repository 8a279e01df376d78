"""The discussion-prompt bank: prompts from the lessons and the bank file, plus the family's own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from supervisor.content.lessons import Prompt, prompts_for
from supervisor.extensions import db
from supervisor.models import FamilyPrompt
from supervisor.stages.base import StageKey

# The family's own prompts: only the columns a prompt needs, the select built once (the
# dashboard asks on every visit, and the rows need no ORM objects).
_OWN = (
    sa.select(FamilyPrompt.id, FamilyPrompt.text, FamilyPrompt.stage, FamilyPrompt.topic)
    .where(FamilyPrompt.family_id == sa.bindparam("family"), FamilyPrompt.removed_at.is_(None))
    .order_by(FamilyPrompt.id)
)


def for_family(family_id: int, language: str) -> list[Prompt]:
    """Every prompt this family can use, the family's own first (not those it removed), the
    bank's in ``language`` (the family's own as they wrote them)."""
    own = db.session.execute(_OWN, {"family": family_id})
    return [
        *(Prompt(f"family-{id_}", text, stage, topic) for id_, text, stage, topic in own),
        *prompts_for(language),
    ]


def of_the_week(prompts: Sequence[Prompt], stage: StageKey, child_id: int, now: datetime) -> Prompt:
    """A prompt suited to ``stage`` that stays the same all week and differs between children."""
    suited = [p for p in prompts if p.stage == stage] or list(prompts)
    year, week, _ = now.isocalendar()
    return suited[(year * 53 + week + child_id * 7) % len(suited)]
