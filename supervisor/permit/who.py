"""Who of the guardians chose an arrangement or proposed a schedule, as pages say it.

Rows from before the app kept the guardian (and whose family then had several guardians)
name nobody: the pages say "a guardian" rather than guess.
"""

from __future__ import annotations

from flask_babel import gettext as _

from supervisor.models import Guardian


def guardian_name(guardian: Guardian | None, nobody: str | None = None) -> str:
    """The guardian's name, or ``nobody`` ("a guardian") when the row does not say who."""
    if guardian is not None:
        return guardian.name
    return nobody if nobody is not None else _("a guardian")
