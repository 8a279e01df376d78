"""The family's own rules (family settings) and the two-key rule that guards them (target 23).

While a family requires both guardians' signatures, one guardian alone may not undo it: a
change that loosens a rule (switching that requirement off, asking fewer check-ins or weeks
to leave the permit), a new guardian (an invite link, which would be a second key in the
same hands), a corrected birth date that makes a child older (so supervision ends sooner),
removing a child (who could come back with another birth date), removing one of the
family's own checklist items (a requirement fewer) and removing a guardian (a key fewer) are
each held as a ``RuleChange`` until another guardian, one who was in the family when it was
asked, approves it; a guardian's own removal is never theirs to decide. Anything else
applies at once. A family with one guardian changes everything alone. Every change is
audited and told to the others by the views, as ``supervisor.authority`` declares.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from supervisor import clock
from supervisor.errors import Refusal
from supervisor.extensions import db
from supervisor.models import Child, Family, FamilyChecklistItem, Guardian, Invite, RuleChange
from supervisor.stages.permit import STAGE as PERMIT
from supervisor.tracks.platforms import ADULT, COUNTRIES, age_now

Value = str | int | bool | None
SETTINGS = ("country", "timezone", "both_guardians_sign", "permit_min_checkins", "permit_min_weeks")
_HELD = next(r for r in PERMIT.requirements if r.kind == "checkins_held").params
# What the app asks when the family sets nothing stricter.
APP_MINIMUM = {"permit_min_checkins": _HELD["count"], "permit_min_weeks": _HELD["weeks"]}
TITLES = {
    "country": "the country",
    "timezone": "the time zone",
    "both_guardians_sign": "“both guardians must sign off”",
    "permit_min_checkins": "the check-ins needed to leave the permit",
    "permit_min_weeks": "the weeks of check-ins needed to leave the permit",
}


class AlreadyDecided(Refusal):
    """Another guardian approved, refused or withdrew the change first."""

    description = "This change was already approved, refused or withdrawn."


class Outdated(Exception):
    """The setting changed since the change was asked for: what was asked no longer holds."""


INVITE = "invite"  # a held invite link: changes = {"invite": invite id}
BIRTH_DATE = "birth_date"  # changes = {"birth_date": {"child_id", "name", "year", "month", ...}}
DELETE_CHILD = "delete_child"  # changes = {"delete_child": {"child_id", "name"}}
# changes = {"remove_checklist_item": {"item_id", "label", "reason"}}
REMOVE_ITEM = "remove_checklist_item"
REMOVE_GUARDIAN = "remove_guardian"  # changes = {"remove_guardian": {"guardian_id", "name"}}
KINDS = {INVITE, BIRTH_DATE, DELETE_CHILD, REMOVE_ITEM, REMOVE_GUARDIAN}


def shown(setting: str, value: object) -> str:
    """A setting's value in the family's words."""
    if setting == "both_guardians_sign":
        return "on" if value else "off"
    if setting == "country":
        return COUNTRIES.get(str(value), str(value))
    if value is None and setting in APP_MINIMUM:
        return f"{APP_MINIMUM[setting]} (the app's minimum)"
    return str(value)


def describe(changes: Mapping[str, object], previous: Mapping[str, object]) -> str:
    """``the time zone from Europe/London to Europe/Paris and ...``, to follow "changed"."""
    return " and ".join(
        f"{TITLES[k]} from {shown(k, previous.get(k))} to {shown(k, v)}" for k, v in changes.items()
    )


def asked(proposal: RuleChange) -> str:
    """What a held change asks for, to follow "asks to": ``change the time zone from ...``."""
    if INVITE in proposal.changes:
        return "let a new guardian join the family with an invite link"
    if DELETE_CHILD in proposal.changes:
        name = dict(proposal.changes[DELETE_CHILD])["name"]  # type: ignore[call-overload]
        return f"remove {name}'s profile and everything in it"
    if REMOVE_ITEM in proposal.changes:
        item = dict(proposal.changes[REMOVE_ITEM])  # type: ignore[call-overload]
        return (
            f"remove “{item['label']}” from the family's checklist, so no track needs it "
            f"any more (“{item['reason']}”)"
        )
    if REMOVE_GUARDIAN in proposal.changes:
        name = dict(proposal.changes[REMOVE_GUARDIAN])["name"]  # type: ignore[call-overload]
        return f"remove {name} as a guardian of the family, so they can no longer sign in to it"
    if BIRTH_DATE in proposal.changes:
        new = dict(proposal.changes[BIRTH_DATE])  # type: ignore[call-overload]
        effect = (
            f"which ends supervision at {ADULT}"
            if age_now(int(new["year"]), int(new["month"])) >= ADULT
            else f"which brings the end of supervision at {ADULT} closer"
        )
        return (
            f"correct {new['name']}'s birth date from "
            f"{_month_year(proposal.previous[BIRTH_DATE])} to {_month_year(new)}, {effect} "
            f"(“{new['reason']}”)"
        )
    return "change " + describe(proposal.changes, proposal.previous)


def _month_year(value: object) -> str:
    from supervisor.family.forms import MONTHS

    date = dict(value)  # type: ignore[call-overload]
    return f"{MONTHS[int(date['month']) - 1]} {date['year']}"


def _loosens(setting: str, old: object, new: object) -> bool:
    if setting == "both_guardians_sign":
        return bool(old) and not new
    if setting in APP_MINIMUM:
        floor = APP_MINIMUM[setting]
        return int(new or floor) < int(old or floor)  # type: ignore[call-overload]
    return False


def family_with_guardians(family_id: int, *, lock: bool, actor: Guardian | None = None) -> Family:
    """The family and its guardians; with ``lock`` its row is locked (PostgreSQL) first, so
    whatever is decided from the two-key rule and the guardians stays true until commit.

    The guardians are read after the lock: an ``actor`` who left or was removed by a request
    that committed meanwhile is refused (409), so two guardians removing each other at once,
    or approving each other's removal, cannot both win and leave the family without a key.
    """
    query = sa.select(Family).options(selectinload(Family.guardians))
    if lock:
        query = query.with_for_update(of=Family).execution_options(populate_existing=True)
    family = db.session.scalars(query.where(Family.id == family_id)).one()
    if lock and actor is not None and all(g.id != actor.id for g in family.guardians):
        raise Refusal(
            "You are no longer a guardian of this family: another guardian's change was "
            "saved first. Nothing of yours was changed."
        )
    return family


def two_keys_guard(family: Family) -> bool:
    """True while a loosening needs a second guardian: the rule is on and there is one."""
    return family.both_guardians_sign and len(family.guardians) > 1


@dataclass(frozen=True)
class Outcome:
    applied: dict[str, Value]
    held: RuleChange | None


def change(guardian: Guardian, family: Family, wanted: Mapping[str, Value]) -> Outcome:
    """Apply what may change now; hold each loosening for another guardian when guarded."""
    previous = {k: getattr(family, k) for k in SETTINGS}
    changed = {k: v for k, v in wanted.items() if v != previous[k]}
    guarded = two_keys_guard(family)
    held = {k: v for k, v in changed.items() if guarded and _loosens(k, previous[k], v)}
    applied = {k: v for k, v in changed.items() if k not in held}
    for setting, value in applied.items():
        setattr(family, setting, value)
    proposal = None
    if held:
        for older in open_changes(family.id):
            if is_settings_change(older):
                with suppress(AlreadyDecided):  # decided meanwhile: nothing left to replace
                    decide(older, guardian, "replaced")
        proposal = hold(guardian, held, {k: previous[k] for k in held})
    db.session.flush()
    return Outcome(applied, proposal)


def is_settings_change(proposal: RuleChange) -> bool:
    """A held change of family settings (not an invite or a birth date)."""
    return not (KINDS & set(proposal.changes))


def hold(guardian: Guardian, changes: dict[str, object], previous: dict[str, object]) -> RuleChange:
    """Keep ``changes`` waiting for another guardian's approval."""
    proposal = RuleChange(
        family_id=guardian.family_id,
        proposed_by_id=guardian.id,
        proposed_at=clock.now(),
        changes=changes,
        previous=previous,
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal


def open_changes(family_id: int) -> list[RuleChange]:
    """Changes waiting for another guardian, oldest first (at most one change of settings,
    and one per waiting invite link or birth date)."""
    return list(
        db.session.scalars(
            sa.select(RuleChange)
            .options(joinedload(RuleChange.proposed_by))
            .where(RuleChange.family_id == family_id, RuleChange.decided_at.is_(None))
            .order_by(RuleChange.id)
        )
    )


def decide(proposal: RuleChange, guardian: Guardian, outcome: str) -> None:
    """Close ``proposal`` exactly once, even with two guardians deciding at the same moment.

    The conditional UPDATE is the lock: only one request finds the row still open.
    """
    won = db.session.execute(
        sa.update(RuleChange)
        .where(RuleChange.id == proposal.id, RuleChange.decided_at.is_(None))
        .values(decided_at=clock.now(), decided_by_id=guardian.id, outcome=outcome)
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyDecided
    db.session.refresh(proposal)


def may_approve(proposal: RuleChange, guardian: Guardian) -> str | None:
    """Why ``guardian`` may not approve ``proposal`` (``None`` if they may): not their own,
    and not by someone who joined after it was asked (a key made for the purpose)."""
    if proposal.proposed_by_id == guardian.id:
        return "Another guardian has to approve a change you asked for."
    if (refused := may_refuse(proposal, guardian)) is not None:
        return refused
    if guardian.created_at > proposal.proposed_at:
        return "Only a guardian who was in the family when this was asked can approve it."
    return None


def may_refuse(proposal: RuleChange, guardian: Guardian) -> str | None:
    """Why ``guardian`` may not decide on ``proposal`` at all: their own removal is decided
    by the other guardians, or the two-key rule would mean nothing."""
    if removed_guardian_id(proposal) == guardian.id:
        return "Your own removal is for another guardian to approve or refuse."
    return None


def removed_guardian_id(proposal: RuleChange) -> int | None:
    """The guardian a held removal is about, if it is one."""
    if REMOVE_GUARDIAN not in proposal.changes:
        return None
    return int(dict(proposal.changes[REMOVE_GUARDIAN])["guardian_id"])  # type: ignore[call-overload]


def approve(proposal: RuleChange, guardian: Guardian, family: Family) -> None:
    """Another guardian's approval: the held change takes effect now.

    A held setting that changed since it was asked is not applied (``Outdated``): the
    approver saw "from" values that are no longer true.
    """
    settings = {k: v for k, v in proposal.changes.items() if k in SETTINGS}
    moved_on = any(getattr(family, k) != proposal.previous.get(k) for k in settings)
    if BIRTH_DATE in proposal.changes:
        child = db.session.get(Child, proposal.changes[BIRTH_DATE]["child_id"])  # type: ignore[index]
        was = dict(proposal.previous[BIRTH_DATE])  # type: ignore[call-overload]
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
        wanted = dict(proposal.changes[REMOVE_ITEM])  # type: ignore[call-overload]
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
                Child.id == proposal.changes[DELETE_CHILD]["child_id"],  # type: ignore[index]
                Child.family_id == family.id,
            )
        )
    if REMOVE_ITEM in proposal.changes or removed is not None:
        _apply_removal(proposal, family)


def _apply_removal(proposal: RuleChange, family: Family) -> None:
    """An approved removal of a checklist item or a guardian, in the asker's name."""
    from supervisor.family import membership, own_words

    asker = next((g for g in family.guardians if g.id == proposal.proposed_by_id), None)
    if REMOVE_ITEM in proposal.changes:
        wanted = dict(proposal.changes[REMOVE_ITEM])  # type: ignore[call-overload]
        item = db.session.get_one(FamilyChecklistItem, wanted["item_id"])
        own_words.remove_item(proposal.proposed_by_id, item, str(wanted["reason"]))
    removed = removed_guardian_id(proposal)
    if removed is not None:
        target = next(g for g in family.guardians if g.id == removed)
        membership.end(target, membership.REMOVED, by=asker)


def _correct_birth_date(proposal: RuleChange, approver: Guardian) -> None:
    from supervisor.tracks import operations

    new = dict(proposal.changes[BIRTH_DATE])  # type: ignore[call-overload]
    child = db.session.get(Child, new["child_id"])
    if child is None:
        return
    child.birth_year, child.birth_month = int(new["year"]), int(new["month"])
    asker = proposal.proposed_by.name if proposal.proposed_by else "A guardian"
    operations.end_supervision_at_majority(
        child.family_id,
        f"{asker} corrected {child.display_name}'s birth date from "
        f"{_month_year(proposal.previous[BIRTH_DATE])} to {_month_year(new)} "
        f"(“{new['reason']}”); {approver.name} approved.",
        child.id,
    )


def hold_open_invites(family_id: int) -> list[RuleChange]:
    """Once two keys guard the family (the rule switched on, or a second guardian joined
    while it was on), invite links made before wait for approval like new ones: otherwise
    an old link would still let one guardian add a second key of their own."""
    db.session.flush()
    family = family_with_guardians(family_id, lock=True)
    if not two_keys_guard(family):
        return []
    held = []
    now = clock.now()
    for invite in db.session.scalars(
        sa.select(Invite).where(
            Invite.family_id == family.id,
            Invite.accepted_at.is_(None),
            Invite.expires_at > now,
            Invite.needs_approval.is_(False),
        )
    ):
        invite.needs_approval = True
        maker = invite.created_by or family.guardians[0]
        held.append(hold(maker, {INVITE: invite.id}, {}))
    return held


def held_invites_notice(held: list[RuleChange]) -> str:
    """The sentence that tells the family its older invite links now wait."""
    if not held:
        return ""
    links = "link" if len(held) == 1 else f"{len(held)} links"
    return (
        f" Because both guardians now sign off, the unused invite {links} made before "
        "work only once another guardian approves them in Family settings."
    )


def drop(proposal: RuleChange, guardian: Guardian, outcome: str) -> None:
    """Refuse or withdraw ``proposal``: nothing of it happens, and a held invite stops."""
    decide(proposal, guardian, outcome)
    if INVITE in proposal.changes:
        db.session.execute(sa.delete(Invite).where(Invite.id == proposal.changes[INVITE]))


def withdraw_invite_changes(family_id: int, invite_id: int, guardian: Guardian) -> None:
    """An invite cancelled while it waits for approval: its request goes too."""
    for proposal in open_changes(family_id):
        if proposal.changes.get(INVITE) == invite_id:
            with suppress(AlreadyDecided):  # decided meanwhile; the invite goes all the same
                decide(proposal, guardian, "withdrawn")
