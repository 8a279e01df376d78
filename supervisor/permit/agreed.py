"""What a family has agreed for a track, read the same way for the child's page and the
printable agreement: the rules ticked at every stage so far, the way a guardian looks in and
the check-in schedule, each with who agreed and when, and what the licence ended.

Rules are checklist ticks: they stay when the stage moves on, so the rules of instruction
are still part of the agreement at the permit and the licence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from supervisor.content.monitoring import Arrangement, arrangements_for
from supervisor.extensions import db
from supervisor.models import (
    CheckInSchedule,
    ChecklistTick,
    FamilyChecklistItem,
    Guardian,
    Track,
)
from supervisor.permit.reads import agreed_versions
from supervisor.permit.who import guardian_name
from supervisor.stages import STAGES
from supervisor.stages.base import StageKey

# Every built-in checklist item of every stage: key -> (stage, label).
BUILT_IN = {
    key: (stage.key, label)
    for stage in STAGES.values()
    for requirement in stage.requirements
    if requirement.kind == "checklist"
    for key, label in requirement.params["items"]
}
REMOVED = _l("A family rule that has since been removed")


@dataclass(frozen=True)
class Rule:
    """One ticked checklist item: a rule the family agreed, at the stage it belongs to."""

    stage: StageKey | None  # None: a family rule removed since
    label: str
    ticked_at: datetime
    ticked_by: str | None  # the guardian's name, if they are still in the family
    item: str = ""

    @property
    def for_child(self) -> str:
        """The rule said to the child: built-in items written about "the child" say "you"."""
        return SAID_TO_THE_CHILD.get(self.item, self.label)


# Built-in checklist items whose words speak of the child; the child's pages say them so.
SAID_TO_THE_CHILD = {
    "password_handover": _l("Password handover: you have set a password of your own")
}


@dataclass(frozen=True)
class Looking:
    """The way a guardian looks in: chosen by a guardian, agreed (or not yet) by the child."""

    arrangement: Arrangement
    chosen_at: datetime | None
    chosen_by: str  # a guardian's name, or "a guardian" for rows older than names
    child_agreed_at: datetime | None
    ended_at: datetime | None  # the licence ended it

    @property
    def in_force(self) -> bool:
        return self.child_agreed_at is not None and self.ended_at is None


# Both selects built once, a request binds its families (building them cost more than
# running them).
_OWN_ITEMS = sa.select(
    FamilyChecklistItem.id,
    FamilyChecklistItem.stage,
    FamilyChecklistItem.label,
    FamilyChecklistItem.removed_at,
).where(FamilyChecklistItem.family_id.in_(sa.bindparam("families", expanding=True)))
_TICKS = (
    sa.select(
        ChecklistTick.track_id,
        ChecklistTick.item,
        ChecklistTick.label,
        ChecklistTick.ticked_at,
        Guardian.name,
    )
    .outerjoin(Guardian, Guardian.id == ChecklistTick.ticked_by_id)
    .where(ChecklistTick.family_id.in_(sa.bindparam("families", expanding=True)))
    .order_by(ChecklistTick.ticked_at, ChecklistTick.item)
)


def rules_by_track(tracks: Sequence[Track]) -> dict[int, list[Rule]]:
    """Every rule ticked on each track, in stage order, with two queries whatever the number
    of tracks (both by family, so the statement is the same for every family)."""
    families = sorted({t.family_id for t in tracks})
    found: dict[int, list[Rule]] = {t.id: [] for t in tracks}
    if not families:
        return found
    own = {
        FamilyChecklistItem.key_of(item_id): (stage, label, removed_at is not None)
        for item_id, stage, label, removed_at in db.session.execute(
            _OWN_ITEMS, {"families": families}
        )
    }
    ticks = db.session.execute(_TICKS, {"families": families})
    by_track: dict[int, list[Rule]] = defaultdict(list)
    for track_id, item, words, ticked_at, guardian in ticks:
        stage, label, removed = own.get(item) or (*BUILT_IN.get(item, (None, str(REMOVED))), False)
        shown = _(label) if item in BUILT_IN else label  # the stages' own words are message ids
        if words and words != label:  # ticked for these words; the item was reworded since
            label = _("%(words)s (since reworded: “%(label)s”)", words=words, label=shown)
        else:
            label = shown
        if removed:
            label = _("%(label)s (since removed from the family's checklist)", label=label)
        by_track[track_id].append(Rule(stage, label, ticked_at, guardian, item))
    order = [*StageKey, None]
    for track_id in found:
        found[track_id] = sorted(by_track[track_id], key=lambda r: order.index(r.stage))
    return found


def looking(track: Track, language: str) -> Looking | None:
    """How a guardian looks in (or, at the licence, looked in until it ended), if chosen; the
    arrangement in ``language``."""
    arrangement = arrangements_for(language).get(track.monitoring or "")
    if arrangement is None:
        return None
    ended = track.stage_entered_at if track.stage is StageKey.LICENCE else None
    return Looking(
        arrangement,
        track.monitoring_agreed_at,
        guardian_name(track.monitoring_chosen_by),
        track.monitoring_child_agreed_at,
        ended,
    )


def ended_schedule(track: Track) -> list[CheckInSchedule]:
    """At the licence: the versions of the last plan both agreed to, which the licence ended."""
    agreed = agreed_versions(track)
    last = max((v.plan for v in agreed), default=None)
    return [v for v in agreed if v.plan == last]
