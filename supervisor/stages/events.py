"""The kinds of row in a track's history, and the one sentence each is told in.

Pure domain code: the engine plans transitions of three of these kinds, ``tracks.operations``
records all of them, and every page that shows history (the track page, the dashboard's
"What's new", a removed track) reads a row's sentence from here.
"""

from __future__ import annotations

from enum import StrEnum

from supervisor.stages.base import StageKey


class EventKind(StrEnum):
    """What a history row records. The value is what the database stores (and the export)."""

    CREATED = "created"
    REQUEST = "request"
    DECLINE = "decline"
    SIGNATURE = "signature"  # one guardian's signature, waiting for a second
    ADVANCE = "advance"
    STEP_BACK = "step_back"
    MAJORITY = "majority"  # at 18 every track goes straight to the licence
    REMOVED = "removed"

    def sentence(
        self,
        who: str,
        from_stage: StageKey | None,
        to_stage: StageKey | None,
        reason: str | None,
        override: bool = False,
    ) -> str:
        """The row as people read it; ``who`` is the name of whoever did it."""
        move = f"{_label(from_stage)} → {_label(to_stage)}"
        match self:
            case EventKind.CREATED:
                return f"{who} started this track at {_label(to_stage)}."
            case EventKind.REQUEST:
                return f"{who} asked for sign-off" + (f": “{reason}”" if reason else "")
            case EventKind.DECLINE:
                return f"{who} said not yet: “{reason}”"
            case EventKind.SIGNATURE:
                return f"{who} signed for {_label(to_stage)} and waited for a second guardian."
            case EventKind.ADVANCE:
                because = f" Not everything was done; the reason given: “{reason}”"
                return f"{who} signed off: {move}." + (because if override else "")
            case EventKind.MAJORITY:
                return f"{reason} Supervision ended: {move}."
            case EventKind.REMOVED:
                return f"{who} removed this track, started by mistake: “{reason}”"
            case EventKind.STEP_BACK:
                return f"{who} stepped back: {move}. Reason: “{reason}”"


def _label(stage: StageKey | None) -> str:
    return stage.label if stage is not None else "no stage"
