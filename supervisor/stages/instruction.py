"""Stage 1, instruction: lessons and talks before any account exists."""

from supervisor.content.lessons import LESSONS
from supervisor.stages.base import N_, Requirement, Stage, StageKey

CHECKLIST = (
    ("network_chosen", N_("We chose which network fits, and why")),
    (
        "never_share",
        N_("We agreed what is never shared (full birth date, address, school, location)"),
    ),
)
# Core lessons are needed before a permit; the others are extras a family may take any time.
CORE_LESSONS = tuple(key for key, lesson in LESSONS.items() if lesson.core)

STAGE = Stage(
    key=StageKey.INSTRUCTION,
    meaning=N_(
        "School first: short lessons and quizzes, each one talked through together. No account yet."
    ),
    requirements=(
        Requirement(
            "lessons",
            "lessons_passed",
            N_("Every core lesson done with a passing quiz"),
            {"lessons": CORE_LESSONS},
        ),
        Requirement(
            "discussed",
            "lessons_discussed",
            N_("Every core lesson talked through together"),
            {"lessons": CORE_LESSONS},
        ),
        Requirement(
            "checklist", "checklist", N_("Guardian checklist ticked"), {"items": CHECKLIST}
        ),
    ),
    advances_to=StageKey.PERMIT,
    steps_back_to=None,
)
