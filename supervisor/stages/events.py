"""The kinds of row in a track's history, and the one sentence each is told in.

Pure domain code: the engine plans transitions of three of these kinds, ``tracks.operations``
records all of them, and every page that shows history (the track page, the dashboard's
"What's new", a removed track) reads a row's sentence from here.
"""

from __future__ import annotations

from enum import StrEnum

from supervisor.stages.base import N_, StageKey, Words


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
        who: str | None,
        from_stage: StageKey | None,
        to_stage: StageKey | None,
        reason: str | None,
        override: bool = False,
    ) -> Words:
        """The row as people read it; ``who`` is the name of whoever did it, or ``None`` for
        the child reading their own history ("You asked for sign-off"). Each way a row can
        read is one whole message, so each language can order its words (and a verb agree
        with "you")."""
        stages = {"from_stage": _stage(from_stage), "to_stage": _stage(to_stage)}
        if who is None:
            return _yours(self, reason)
        match self:
            case EventKind.CREATED:
                return Words.of(
                    N_("%(who)s started this track at %(to_stage)s."), who=who, **stages
                )
            case EventKind.REQUEST if reason:
                return Words.of(
                    N_("%(who)s asked for sign-off: “%(reason)s”"), who=who, reason=reason
                )
            case EventKind.REQUEST:
                return Words.of(N_("%(who)s asked for sign-off"), who=who)
            case EventKind.DECLINE:
                return Words.of(N_("%(who)s said not yet: “%(reason)s”"), who=who, reason=reason)
            case EventKind.SIGNATURE:
                return Words.of(
                    N_("%(who)s signed for %(to_stage)s and waited for a second guardian."),
                    who=who,
                    **stages,
                )
            case EventKind.ADVANCE if override:
                return Words.of(
                    N_(
                        "%(who)s signed off: %(from_stage)s → %(to_stage)s. Not everything was "
                        "done; the reason given: “%(reason)s”"
                    ),
                    who=who,
                    reason=reason,
                    **stages,
                )
            case EventKind.ADVANCE:
                return Words.of(
                    N_("%(who)s signed off: %(from_stage)s → %(to_stage)s."), who=who, **stages
                )
            case EventKind.MAJORITY:
                return Words.of(
                    N_("%(reason)s Supervision ended: %(from_stage)s → %(to_stage)s."),
                    reason=reason,
                    **stages,
                )
            case EventKind.REMOVED:
                return Words.of(
                    N_("%(who)s removed this track, started by mistake: “%(reason)s”"),
                    who=who,
                    reason=reason,
                )
            case EventKind.STEP_BACK:
                return Words.of(
                    N_("%(who)s stepped back: %(from_stage)s → %(to_stage)s. Reason: “%(reason)s”"),
                    who=who,
                    reason=reason,
                    **stages,
                )


def _yours(kind: EventKind, reason: str | None) -> Words:
    """A row of the child's own doing, said to the child: only a child asks for sign-off."""
    if kind is not EventKind.REQUEST:
        raise ValueError(f"a child does not do {kind.value!r}")
    if reason:
        return Words.of(N_("You asked for sign-off: “%(reason)s”"), reason=reason)
    return Words.of(N_("You asked for sign-off"))


def _stage(stage: StageKey | None) -> StageKey | Words:
    return stage if stage is not None else Words.of(N_("no stage"))
