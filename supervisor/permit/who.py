"""Who of the guardians chose an arrangement or proposed a schedule, as pages say it.

Rows from before the app kept the guardian (and whose family then had several guardians)
name nobody: the pages say "a guardian" rather than guess.
"""

from __future__ import annotations

from supervisor.models import Guardian


def guardian_name(guardian: Guardian | None, nobody: str = "a guardian") -> str:
    """The guardian's name, or ``nobody`` when the row does not say who."""
    return guardian.name if guardian is not None else nobody
