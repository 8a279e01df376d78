"""Stage 3, licence: monitoring ends and the account is the child's own."""

from supervisor.stages.base import N_, Stage, StageKey

STAGE = Stage(
    key=StageKey.LICENCE,
    meaning=N_("Monitoring ends. The account is theirs to run; the family stays a place to talk."),
    requirements=(),
    advances_to=None,
    steps_back_to=StageKey.PERMIT,
)
