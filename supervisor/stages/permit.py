"""Stage 2, learner's permit: the account exists, set up and watched over together."""

from supervisor.stages.base import N_, Requirement, Stage, StageKey

CHECKLIST = (
    ("password_handover", N_("Password handover: the child has set a password of their own")),
)

STAGE = Stage(
    key=StageKey.PERMIT,
    meaning=N_(
        "The account is created together, with agreed privacy settings, an agreed way of "
        "looking in and regular check-ins that lessen over time."
    ),
    requirements=(
        Requirement(
            "walkthrough",
            "walkthrough_finished",
            N_("Privacy walkthrough finished together"),
            {"runs": 1},
        ),
        Requirement(
            "checkins",
            "checkins_held",
            N_("At least 6 check-ins held over at least 8 weeks"),
            {"count": 6, "weeks": 8},
        ),
        Requirement(
            "on_time",
            "overdue_limit",
            N_("No more than one overdue check-in in the last month"),
            {"max": 1},
        ),
        Requirement(
            "checklist", "checklist", N_("Guardian checklist ticked"), {"items": CHECKLIST}
        ),
    ),
    advances_to=StageKey.LICENCE,
    steps_back_to=StageKey.INSTRUCTION,
)
