"""Refusals an operation raises when the family's state forbids what was asked.

The web layer turns one into the page the form was on, with the reason; operations only
raise it, so they read the same from a page, a command or a test.
"""

from __future__ import annotations

from werkzeug.exceptions import Conflict


class Refusal(Conflict):
    """A 409 whose description is written for the family; the page shows it as the message.

    Nothing the request wrote is saved, unless the refusal is itself ``recorded`` (a change
    closed as outdated, with its audit row and notice): then what was written stands.
    """

    def __init__(self, description: str | None = None, *, recorded: bool = False) -> None:
        super().__init__(description)
        self.recorded = recorded
