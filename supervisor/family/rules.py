"""The family's own rules (family settings) and the two-key rule that guards them (target 23).

While a family requires both guardians' signatures, a change that loosens a rule (switching
that requirement off, or asking fewer check-ins or weeks to leave the permit) is held as a
``RuleChange`` until another guardian approves it; anything else applies at once. A family
with one guardian changes everything alone. Every change is audited and told to the others
by the views, as ``supervisor.authority`` declares.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from supervisor import clock
from supervisor.extensions import db
from supervisor.models import Family, Guardian, RuleChange
from supervisor.stages.permit import STAGE as PERMIT
from supervisor.tracks.platforms import COUNTRIES

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


class AlreadyDecided(Exception):
    """Another guardian approved, refused or withdrew the change first."""


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
    """``the time zone from Europe/London to Europe/Paris and ...``, to follow "change"."""
    return " and ".join(
        f"{TITLES[k]} from {shown(k, previous.get(k))} to {shown(k, v)}" for k, v in changes.items()
    )


def _loosens(setting: str, old: object, new: object) -> bool:
    if setting == "both_guardians_sign":
        return bool(old) and not new
    if setting in APP_MINIMUM:
        floor = APP_MINIMUM[setting]
        return int(new or floor) < int(old or floor)  # type: ignore[call-overload]
    return False


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
        now = clock.now()
        for older in open_changes(family.id):
            older.decided_at, older.outcome = now, "replaced"
        proposal = RuleChange(
            family_id=family.id,
            proposed_by_id=guardian.id,
            proposed_at=now,
            changes=held,
            previous={k: previous[k] for k in held},
        )
        db.session.add(proposal)
    db.session.flush()
    return Outcome(applied, proposal)


def open_changes(family_id: int) -> list[RuleChange]:
    """Changes waiting for a second guardian, oldest first (at most one in practice)."""
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


def approve(proposal: RuleChange, guardian: Guardian, family: Family) -> None:
    """Another guardian's approval: the held values take effect now."""
    decide(proposal, guardian, "approved")
    for setting, value in proposal.changes.items():
        setattr(family, setting, value)
