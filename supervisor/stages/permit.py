"""Stage 2, learner's permit: the account exists, set up and watched over together."""

from supervisor.stages.base import Requirement, Stage, StageKey

CHECKLIST = (("password_handover", "Password handover: the child has set a password of their own"),)

STAGE = Stage(
    key=StageKey.PERMIT,
    meaning="The account is created together, with agreed privacy settings, an agreed way of "
    "looking in and regular check-ins that lessen over time.",
    requirements=(
        Requirement("time", "min_days", "At least 8 weeks with the permit", {"days": 56}),
        Requirement("checklist", "checklist", "Guardian checklist ticked", {"items": CHECKLIST}),
    ),
    advances_to=StageKey.LICENCE,
    steps_back_to=StageKey.INSTRUCTION,
)
