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
audited and told to the others by the views, as ``supervisor.web.authority`` declares.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from supervisor import clock
from supervisor.db import rows_changed
from supervisor.errors import Refusal
from supervisor.extensions import db
from supervisor.local_time import month_year
from supervisor.models import Family, Guardian, Invite, RuleChange
from supervisor.notices import (
    N_,
    Country,
    Month,
    Nn_,
    Notice,
    Param,
    Word,
    Zone,
    notice,
    plural_notice,
)
from supervisor.stages.ages import ADULT, age_now
from supervisor.stages.permit import STAGE as PERMIT

Value = str | int | bool | None
SETTINGS = ("country", "timezone", "both_guardians_sign", "permit_min_checkins", "permit_min_weeks")
_HELD = next(r for r in PERMIT.requirements if r.kind == "checkins_held").params
# What the app asks when the family sets nothing stricter.
APP_MINIMUM = {"permit_min_checkins": _HELD["count"], "permit_min_weeks": _HELD["weeks"]}
TITLES = {
    "country": N_("the country"),
    "timezone": N_("the time zone"),
    "both_guardians_sign": N_("“both guardians must sign off”"),
    "permit_min_checkins": N_("the check-ins needed to leave the permit"),
    "permit_min_weeks": N_("the weeks of check-ins needed to leave the permit"),
}


class AlreadyDecided(Refusal):
    """Another guardian approved, refused or withdrew the change first."""

    description = _l("This change was already approved, refused or withdrawn.")


class Outdated(Exception):
    """The setting changed since the change was asked for: what was asked no longer holds."""


INVITE = "invite"  # a held invite link: changes = {"invite": invite id}
BIRTH_DATE = "birth_date"  # changes = {"birth_date": {"child_id", "name", "year", "month", ...}}
DELETE_CHILD = "delete_child"  # changes = {"delete_child": {"child_id", "name"}}
# changes = {"remove_checklist_item": {"item_id", "label", "reason"}}
REMOVE_ITEM = "remove_checklist_item"
REMOVE_GUARDIAN = "remove_guardian"  # changes = {"remove_guardian": {"guardian_id", "name"}}
KINDS = {INVITE, BIRTH_DATE, DELETE_CHILD, REMOVE_ITEM, REMOVE_GUARDIAN}


def details(parts: Mapping[str, object], kind: str) -> dict[str, Any]:
    """What a held change keeps under ``kind`` in its ``changes`` or ``previous``, such as a
    birth date's ``{"child_id", "name", "year", "month", ...}`` (JSON: values of any kind)."""
    part = parts[kind]
    if not isinstance(part, dict):
        raise TypeError(f"{kind} of a held change is a {type(part).__name__}, not an object")
    return part


def shown(setting: str, value: object) -> Param:
    """A setting's value in the family's words."""
    if setting == "both_guardians_sign":
        return Word(N_("on") if value else N_("off"))
    if setting == "country":
        return Country(str(value))
    if setting == "timezone" and value:
        return Zone(str(value))
    if value is None and setting in APP_MINIMUM:
        return notice(N_("%(count)s (the app's minimum)"), count=APP_MINIMUM[setting])
    return str(value)


def described(changes: Mapping[str, object], previous: Mapping[str, object]) -> Notice:
    """``the time zone from Europe/London to Europe/Paris and ...``, to follow "changed"."""
    told: Notice | None = None
    for k, v in changes.items():
        change = notice(
            N_("%(setting)s from %(old)s to %(new)s"),
            setting=Word(TITLES[k]),
            old=shown(k, previous.get(k)),
            new=shown(k, v),
        )
        told = (
            change
            if told is None
            else notice(N_("%(first)s and %(then)s"), first=told, then=change)
        )
    if told is None:
        raise ValueError("no change to describe")
    return told


def asked(proposal: RuleChange) -> str:
    """What a held change asks for, in the page's language (``asking``)."""
    return str(asking(proposal))


def asking(proposal: RuleChange) -> Notice:
    """What a held change asks for, to follow "asks to": ``change the time zone from ...``."""
    if INVITE in proposal.changes:
        return notice(N_("let a new guardian join the family with an invite link"))
    if DELETE_CHILD in proposal.changes:
        name = details(proposal.changes, DELETE_CHILD)["name"]
        return notice(N_("remove %(name)s's profile and everything in it"), name=name)
    if REMOVE_ITEM in proposal.changes:
        item = details(proposal.changes, REMOVE_ITEM)
        return notice(
            N_(
                "remove “%(label)s” from the family's checklist, so no track needs it any more "
                "(“%(reason)s”)"
            ),
            label=item["label"],
            reason=item["reason"],
        )
    if REMOVE_GUARDIAN in proposal.changes:
        name = details(proposal.changes, REMOVE_GUARDIAN)["name"]
        return notice(
            N_("remove %(name)s as a guardian of the family, so they can no longer sign in to it"),
            name=name,
        )
    if BIRTH_DATE in proposal.changes:
        new, was = details(proposal.changes, BIRTH_DATE), details(proposal.previous, BIRTH_DATE)
        return notice(
            N_(
                "correct %(name)s's birth date from %(old)s to %(new)s, which ends supervision "
                "at %(adult)s (“%(reason)s”)"
            )
            if age_now(int(new["year"]), int(new["month"])) >= ADULT
            else N_(
                "correct %(name)s's birth date from %(old)s to %(new)s, which brings the end of "
                "supervision at %(adult)s closer (“%(reason)s”)"
            ),
            name=new["name"],
            old=Month(int(was["year"]), int(was["month"])),
            new=Month(int(new["year"]), int(new["month"])),
            adult=ADULT,
            reason=new["reason"],
        )
    return notice(N_("change %(what)s"), what=described(proposal.changes, proposal.previous))


def waiting(guardian: Guardian, proposal: RuleChange) -> Notice:
    """What the family is told of a change held for a second key: who asks what, and that it
    waits."""
    return notice(
        N_(
            "%(name)s asks to %(what)s. That waits for another guardian to approve or refuse it "
            "in Family settings; until then nothing of it happens."
        ),
        name=guardian.name,
        what=asking(proposal),
    )


def month_year_of(date: Mapping[str, Any]) -> str:
    """A birth date held in a change, as it reads: ``August 2014``."""
    return month_year(int(date["year"]), int(date["month"]))


def _loosens(setting: str, old: Value, new: Value) -> bool:
    if setting == "both_guardians_sign":
        return bool(old) and not new
    if setting in APP_MINIMUM:
        floor = APP_MINIMUM[setting]
        return int(new or floor) < int(old or floor)
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
            _(
                "You are no longer a guardian of this family: another guardian's change was "
                "saved first. Nothing of yours was changed."
            )
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


def hold(
    guardian: Guardian, changes: Mapping[str, object], previous: Mapping[str, object]
) -> RuleChange:
    """Keep ``changes`` waiting for another guardian's approval."""
    proposal = RuleChange(
        family_id=guardian.family_id,
        proposed_by_id=guardian.id,
        proposed_at=clock.now(),
        changes=dict(changes),
        previous=dict(previous),
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
    if rows_changed(won) != 1:
        raise AlreadyDecided
    db.session.refresh(proposal)


def may_approve(proposal: RuleChange, guardian: Guardian) -> str | None:
    """Why ``guardian`` may not approve ``proposal`` (``None`` if they may): not their own,
    and not by someone who joined after it was asked (a key made for the purpose)."""
    if proposal.proposed_by_id == guardian.id:
        return _("Another guardian has to approve a change you asked for.")
    if (refused := may_refuse(proposal, guardian)) is not None:
        return refused
    if guardian.created_at > proposal.proposed_at:
        return _("Only a guardian who was in the family when this was asked can approve it.")
    return None


def may_refuse(proposal: RuleChange, guardian: Guardian) -> str | None:
    """Why ``guardian`` may not decide on ``proposal`` at all: their own removal is decided
    by the other guardians, or the two-key rule would mean nothing."""
    if removed_guardian_id(proposal) == guardian.id:
        return _("Your own removal is for another guardian to approve or refuse.")
    return None


def removed_guardian_id(proposal: RuleChange) -> int | None:
    """The guardian a held removal is about, if it is one."""
    if REMOVE_GUARDIAN not in proposal.changes:
        return None
    return int(details(proposal.changes, REMOVE_GUARDIAN)["guardian_id"])


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


def held_invites_notice(held: list[RuleChange]) -> Notice | None:
    """The sentence that tells the family its older invite links now wait (none if none do)."""
    if not held:
        return None
    return plural_notice(
        Nn_(
            "Because both guardians now sign off, the unused invite link made before work only "
            "once another guardian approves them in Family settings.",
            "Because both guardians now sign off, the unused invite %(num)d links made before "
            "work only once another guardian approves them in Family settings.",
            len(held),
        )
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
