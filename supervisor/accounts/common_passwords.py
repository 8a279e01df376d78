"""Passwords too common to accept (NIST 800-63B 3.1.1.2): attackers try these first.

The list is the one zxcvbn ships: the 30,000 passwords seen most often in breach dumps, all
lower case. It is read once per process, on the first check.
"""

from __future__ import annotations

from functools import cache


@cache
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    """True when ``password`` is on the list, whatever its case and surrounding spaces."""
    return password.strip().lower() in _common()
