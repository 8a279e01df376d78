"""The family's own checklist items and discussion prompts: adding, rewording, removing them.

Nothing is erased: each change adds a ``FamilyWordingChange`` with the words before, and a
removed item or prompt keeps its row (``removed_at``). A removed checklist item is no longer
a requirement for any track; the ticks given for it stay, with the words they were given for.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from supervisor import clock
from supervisor.extensions import db
from supervisor.models import (
    ChecklistTick,
    Child,
    FamilyChecklistItem,
    FamilyPrompt,
    FamilyWordingChange,
    Guardian,
    Track,
)

EDITED = "edited"
REMOVED = "removed"


def _record(guardian_id: int | None, family_id: int, **fields: object) -> None:
    db.session.add(
        FamilyWordingChange(family_id=family_id, guardian_id=guardian_id, at=clock.now(), **fields)
    )


def add_item(family_id: int, stage: str, label: str) -> FamilyChecklistItem:
    """The family's own checklist item, for every track at ``stage``."""
    item = FamilyChecklistItem(family_id=family_id, stage=stage, label=label)
    db.session.add(item)
    return item


def add_prompt(family_id: int, stage: str, topic: str, text: str) -> FamilyPrompt:
    """The family's own discussion prompt, in the bank beside the app's."""
    prompt = FamilyPrompt(
        family_id=family_id, stage=stage, topic=topic, text=text, created_at=clock.now()
    )
    db.session.add(prompt)
    return prompt


def edit_item(guardian: Guardian, item: FamilyChecklistItem, label: str) -> None:
    _record(
        guardian.id, item.family_id, checklist_item_id=item.id, action=EDITED,
        before=item.label, after=label,
    )  # fmt: skip
    item.label = label


def remove_item(guardian_id: int | None, item: FamilyChecklistItem, reason: str) -> None:
    """Retire ``item``; ``guardian_id`` is who asked (under two keys, approved by another)."""
    _record(
        guardian_id, item.family_id, checklist_item_id=item.id, action=REMOVED,
        before=item.label, reason=reason,
    )  # fmt: skip
    item.removed_at = clock.now()


def edit_prompt(guardian: Guardian, prompt: FamilyPrompt, text: str) -> None:
    _record(
        guardian.id, prompt.family_id, prompt_id=prompt.id, action=EDITED,
        before=prompt.text, after=text,
    )  # fmt: skip
    prompt.text = text


def remove_prompt(guardian: Guardian, prompt: FamilyPrompt, reason: str) -> None:
    _record(
        guardian.id, prompt.family_id, prompt_id=prompt.id, action=REMOVED,
        before=prompt.text, reason=reason,
    )  # fmt: skip
    prompt.removed_at = clock.now()


@dataclass(frozen=True)
class GivenTick:
    """A tick of one of the family's own items, for the page that lists them."""

    child: str
    track: Track
    label: str | None  # the words it was ticked for, when they were kept
    at: object


@dataclass(frozen=True)
class OwnWords:
    items: list[FamilyChecklistItem]
    prompts: list[FamilyPrompt]
    changes: list[FamilyWordingChange]
    ticks: dict[str, list[GivenTick]]  # item key -> ticks given


def of_family(family_id: int) -> OwnWords:
    """Everything the family wrote itself, current and removed, with its changes (four
    statements, however much there is)."""
    items = list(
        db.session.scalars(
            sa.select(FamilyChecklistItem)
            .where(FamilyChecklistItem.family_id == family_id)
            .order_by(FamilyChecklistItem.id)
        )
    )
    own_prompts = list(
        db.session.scalars(
            sa.select(FamilyPrompt)
            .where(FamilyPrompt.family_id == family_id)
            .order_by(FamilyPrompt.id)
        )
    )
    changes = list(
        db.session.scalars(
            sa.select(FamilyWordingChange)
            .options(joinedload(FamilyWordingChange.guardian))
            .where(FamilyWordingChange.family_id == family_id)
            .order_by(FamilyWordingChange.at.desc(), FamilyWordingChange.id.desc())
        )
    )
    ticks: dict[str, list[GivenTick]] = {}
    rows = db.session.execute(
        sa.select(ChecklistTick, Track, Child.display_name)
        .join(Track, ChecklistTick.track_id == Track.id)
        .join(Child, Track.child_id == Child.id)
        .where(ChecklistTick.family_id == family_id, ChecklistTick.item.like("family-%"))
        .order_by(ChecklistTick.ticked_at)
    )
    for tick, track, child in rows:
        ticks.setdefault(tick.item, []).append(GivenTick(child, track, tick.label, tick.ticked_at))
    return OwnWords(items, own_prompts, changes, ticks)
