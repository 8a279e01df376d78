"""Approving a held change: the second key turns, and what was asked happens in the asker's name.

Apart from the rules themselves (``rules``) because applying a change reaches into membership,
the family's own words and the tracks, which all read the rules.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from supervisor import clock
from supervisor.extensions import db
from supervisor.family import membership, own_words
from supervisor.family.rules import (
    BIRTH_DATE,
    DELETE_CHILD,
    INVITE,
    REMOVE_ITEM,
    SETTINGS,
    Outdated,
    decide,
    details,
    month_year_of,
    removed_guardian_id,
)
from supervisor.models import Child, Family, FamilyChecklistItem, Guardian, Invite, RuleChange
from supervisor.tracks import operations


def approve(proposal: RuleChange, guardian: Guardian, family: Family) -> None:
    """Another guardian's approval: the held change takes effect now.

    A held setting that changed since it was asked is not applied (``Outdated``): the
    approver saw "from" values that are no longer true.
    """
    settings = {k: v for k, v in proposal.changes.items() if k in SETTINGS}
    moved_on = any(getattr(family, k) != proposal.previous.get(k) for k in settings)
    if BIRTH_DATE in proposal.changes:
        child = db.session.get(Child, details(proposal.changes, BIRTH_DATE)["child_id"])
        was = details(proposal.previous, BIRTH_DATE)
        moved_on = (
            moved_on
            or child is None
            or (child.birth_year, child.birth_month)
            != (
                was["year"],
                was["month"],
            )
        )
    if REMOVE_ITEM in proposal.changes:
        wanted = details(proposal.changes, REMOVE_ITEM)
        item = db.session.get(FamilyChecklistItem, wanted["item_id"])
        moved_on = moved_on or item is None or item.removed_at is not None
        moved_on = moved_on or (item is not None and item.label != wanted["label"])
    removed = removed_guardian_id(proposal)
    if removed is not None:
        moved_on = moved_on or all(g.id != removed for g in family.guardians)
    if moved_on:
        decide(proposal, guardian, "outdated")
        raise Outdated
    decide(proposal, guardian, "approved")
    for setting, value in settings.items():
        setattr(family, setting, value)
    if INVITE in proposal.changes:
        invite = db.session.get(Invite, proposal.changes[INVITE])
        if invite is not None:
            invite.approved_at = clock.now()
    if BIRTH_DATE in proposal.changes:
        _correct_birth_date(proposal, guardian)
    if DELETE_CHILD in proposal.changes:
        db.session.execute(
            sa.delete(Child).where(
                Child.id == details(proposal.changes, DELETE_CHILD)["child_id"],
                Child.family_id == family.id,
            )
        )
    if REMOVE_ITEM in proposal.changes or removed is not None:
        _apply_removal(proposal, family)


def _apply_removal(proposal: RuleChange, family: Family) -> None:
    """An approved removal of a checklist item or a guardian, in the asker's name."""
    asker = next((g for g in family.guardians if g.id == proposal.proposed_by_id), None)
    if REMOVE_ITEM in proposal.changes:
        wanted = details(proposal.changes, REMOVE_ITEM)
        item = db.session.get_one(FamilyChecklistItem, wanted["item_id"])
        own_words.remove_item(proposal.proposed_by_id, item, str(wanted["reason"]))
    removed = removed_guardian_id(proposal)
    if removed is not None:
        target = next(g for g in family.guardians if g.id == removed)
        membership.end(target, membership.REMOVED, by=asker)


def _correct_birth_date(proposal: RuleChange, approver: Guardian) -> None:
    new = details(proposal.changes, BIRTH_DATE)
    child = db.session.get(Child, new["child_id"])
    if child is None:
        return
    child.birth_year, child.birth_month = int(new["year"]), int(new["month"])
    asker = proposal.proposed_by.name if proposal.proposed_by else _("A guardian")
    operations.end_supervision_at_majority(
        child.family_id,
        _(
            "%(asker)s corrected %(name)s's birth date from %(old)s to %(new)s (“%(reason)s”); "
            "%(approver)s approved.",
            asker=asker,
            name=child.display_name,
            old=month_year_of(details(proposal.previous, BIRTH_DATE)),
            new=month_year_of(new),
            reason=new["reason"],
            approver=approver.name,
        ),
        child.id,
    )
