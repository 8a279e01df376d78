"""Child PINs: what a guardian may choose, and how wrong guesses are slowed down.

Counting lives in the database per profile and device, so it holds across worker processes
and restarts (security target 7).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from supervisor import clock, passwords
from supervisor.db import insert_if_missing
from supervisor.extensions import db
from supervisor.local_time import when
from supervisor.mail.topics import Topic
from supervisor.models import Child, Device, PinAttempts
from supervisor.notices import N_, notice, notify_guardians

FIRST_DELAY_AT = 5
DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60)]
HARD_LOCK_AT = 10
COMMON_PINS = {"1212", "6969", "2580", "0852", "1004", "2000", "4444", "1122", "7777", "1010"}


def problem_with(pin: str, child: Child) -> str | None:
    """Why ``pin`` is too easy to guess, or ``None`` if it will do."""
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 6):
        return _("A PIN is 4 to 6 digits.")
    steps = {int(b) - int(a) for a, b in pairwise(pin)}
    if len(set(pin)) == 1 or steps in ({1}, {-1}):
        return _("That PIN is too easy to guess: avoid repeated or counting digits.")
    if pin in COMMON_PINS or (len(pin) == 4 and 1900 <= int(pin) <= clock.now().year):
        return _("That PIN is too easy to guess: avoid years and common PINs.")
    year, month = str(child.birth_year), f"{child.birth_month:02d}"
    if year in pin or pin in {month + year, year + month, month + year[2:], year[2:] + month}:
        return _("Don't use the birth year or month in a PIN.")
    return None


def set_pin(child: Child, pin: str) -> None:
    """Store a new PIN's hash and forget any lockout of the old one."""
    child.pin_hash = passwords.hash_secret(pin)
    reset(child)


def reset(child: Child) -> None:
    """Open a profile locked by wrong PINs (a guardian has just typed their password)."""
    child.pin_locked_at = None
    db.session.execute(sa.delete(PinAttempts).where(PinAttempts.child_id == child.id))


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    wait_until: datetime | None = None  # soft lock: try again after this time
    locked: bool = False  # hard lock: a guardian must open the profile
    attempts_left: int | None = None  # before the next delay starts


def check(child: Child, device: Device, pin: str) -> PinCheck:
    """Try ``pin`` for ``child`` on ``device``; while a lock lasts, no hash is checked at all."""
    if child.pin_locked_at is not None:
        return PinCheck(ok=False, locked=True)
    now = clock.now()
    insert_if_missing(db.session, PinAttempts, child_id=child.id, device_id=device.id, failures=0)
    attempts = db.session.scalars(
        sa.select(PinAttempts)
        .where(PinAttempts.child_id == child.id, PinAttempts.device_id == device.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if attempts.locked_until is not None and attempts.locked_until > now:
        return PinCheck(ok=False, wait_until=attempts.locked_until)
    if child.pin_hash is not None and passwords.verify_secret(child.pin_hash, pin):
        attempts.failures = 0
        attempts.locked_until = None
        return PinCheck(ok=True)
    attempts.failures += 1
    if attempts.failures >= HARD_LOCK_AT:
        child.pin_locked_at = now
        notify_guardians(
            child.family_id,
            notice(
                N_(
                    "%(child)s's profile locked itself after %(num)d wrong PINs; a guardian can "
                    "open it again."
                ),
                child=child.display_name,
                num=HARD_LOCK_AT,
            ),
            topic=Topic.SECURITY,
        )
        return PinCheck(ok=False, locked=True)
    if attempts.failures >= FIRST_DELAY_AT:
        delay = DELAYS[min(attempts.failures - FIRST_DELAY_AT, len(DELAYS) - 1)]
        attempts.locked_until = now + delay
        return PinCheck(ok=False, wait_until=attempts.locked_until)
    return PinCheck(ok=False, attempts_left=FIRST_DELAY_AT - attempts.failures)


def waits_on(device: Device) -> dict[int, datetime]:
    """Child id -> end of the current PIN delay on ``device``, for the picker."""
    rows = db.session.execute(
        sa.select(PinAttempts.child_id, PinAttempts.locked_until).where(
            PinAttempts.device_id == device.id, PinAttempts.locked_until > clock.now()
        )
    )
    # ``locked_until > now`` already leaves NULLs out; the test tells the type checker.
    return {child_id: until for child_id, until in rows if until is not None}


def message(result: PinCheck) -> str:
    """Why a PIN was not taken, in the same words wherever a child types one."""
    if result.locked:
        return _("This profile is locked after too many wrong PINs. A guardian can open it again.")
    if result.wait_until is not None:
        return _(
            "Too many wrong PINs. Try again after %(time)s.", time=when(result.wait_until, "time")
        )
    return ngettext(
        "That PIN isn't right. %(num)d more try before you have to wait.",
        "That PIN isn't right. %(num)d more tries before you have to wait.",
        result.attempts_left or 0,
    )
