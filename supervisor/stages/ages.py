"""Age, from the birth year and month the app keeps (never the day)."""

from __future__ import annotations

from datetime import date

from supervisor import clock

ADULT = 18  # at this age supervision ends on every track, whatever its stage


def age_now(birth_year: int, birth_month: int, today: date | None = None) -> int:
    """Whole years of age on ``today`` (the clock's date unless given), counting a birthday
    in the current month as not yet reached: the day is never stored."""
    today = today or clock.now().date()
    return today.year - birth_year - (1 if today.month <= birth_month else 0)
