"""The stages of a child's track: instruction, learner's permit and licence.

Pure domain code with no Flask imports: ``instruction``, ``permit`` and ``licence`` each
declare one ``STAGE``; this registry ties them together and is validated at import, so a
bad declaration stops the app (and the tests) with a message naming its module;
``engine`` decides transitions from a snapshot of the track.
"""

from __future__ import annotations

from collections.abc import Mapping

from supervisor.stages import instruction, licence, permit
from supervisor.stages.base import Stage, StageKey
from supervisor.stages.kinds import EVALUATORS


class StageDeclarationError(Exception):
    """A stage module declares something the engine cannot work with."""


def validate(declared: Mapping[str, Stage]) -> dict[StageKey, Stage]:
    """Check the stage modules against each other; ``declared`` maps module name to STAGE."""
    order = list(StageKey)
    registry: dict[StageKey, Stage] = {}
    for module, stage in declared.items():

        def fail(problem: str, module: str = module) -> StageDeclarationError:
            return StageDeclarationError(f"stage module {module!r}: {problem}")

        if not isinstance(stage, Stage):
            raise fail("STAGE is not a Stage")
        if stage.key in registry:
            raise fail(f"a second declaration of stage {stage.key.value!r}")
        position = order.index(stage.key)
        for target, step, word in (
            (stage.advances_to, 1, "advances_to"),
            (stage.steps_back_to, -1, "steps_back_to"),
        ):
            if target is None:
                continue
            if target not in order:
                raise fail(f"{word} names an unknown stage {target!r}")
            if order.index(target) != position + step:
                raise fail(f"{word} {target.value!r} skips a stage")
        keys = [requirement.key for requirement in stage.requirements]
        if len(keys) != len(set(keys)):
            raise fail("two requirements share a key")
        for requirement in stage.requirements:
            if requirement.kind not in EVALUATORS:
                raise fail(f"requirement {requirement.key!r} has unknown kind {requirement.kind!r}")
        if stage.advances_to is None and stage.requirements:
            raise fail("the last stage has requirements for a stage that doesn't exist")
        registry[stage.key] = stage
    missing = [key.value for key in order if key not in registry]
    if missing:
        raise StageDeclarationError(f"no stage module declares {', '.join(missing)}")
    starts = [s for s in registry.values() if s.steps_back_to is None]
    ends = [s for s in registry.values() if s.advances_to is None]
    if len(starts) != 1 or len(ends) != 1:
        raise StageDeclarationError("stages need exactly one start and one end")
    return registry


STAGES: dict[StageKey, Stage] = validate(
    {"instruction": instruction.STAGE, "permit": permit.STAGE, "licence": licence.STAGE}
)
FIRST = StageKey.INSTRUCTION
