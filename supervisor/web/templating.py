"""Template helpers: times in the family's own time zone, zones by their readable names, the
stages by name, the stages' words in the page's language, and inline icons."""

from __future__ import annotations

from flask import Flask

from supervisor import clock
from supervisor.content import places
from supervisor.local_time import duration, listed, page_locale, when, when_in
from supervisor.stages import STAGES
from supervisor.stages.base import StageKey
from supervisor.web.icons import icon
from supervisor.words import gettext, say

# The keys of the stages' own checklist items: their labels are message ids, while the items
# a family added are its own words.
BUILT_IN_ITEMS = frozenset(
    key
    for stage in STAGES.values()
    for requirement in stage.requirements
    if requirement.kind == "checklist"
    for key, _label in requirement.params["items"]
)


def zone_label(zone: str) -> str:
    """A time zone as the page's language names it: ``{{ family.timezone | zone_label }}``."""
    return places.zone_label(zone, page_locale())


def stage_label(stage: StageKey) -> str:
    """A stage's name in the page's language: ``{{ stage | stage_label }}``."""
    return str(gettext(stage.label))


def item_label(key: str, label: str) -> str:
    """A checklist item as the page shows it: the stages' own in the page's language, the
    family's own as they wrote it."""
    return str(gettext(label)) if key in BUILT_IN_ITEMS else label


def init_app(app: Flask) -> None:
    app.add_template_filter(when)
    app.add_template_filter(when_in)  # mail: the family's zone, named
    app.add_template_filter(duration)
    app.add_template_filter(listed)  # {{ names | listed }}: Ada and Grace
    app.add_template_filter(zone_label)
    app.add_template_filter(say)  # {{ status.missing | say }}
    app.add_template_filter(stage_label)  # {{ track.stage | stage_label }}
    app.add_template_global(item_label)
    app.context_processor(lambda: {"now": clock.now()})
    # Pages compare a track's stage with ``StageKey.PERMIT`` and name it by ``_(stage.label)``.
    app.add_template_global(StageKey, "StageKey")
    app.add_template_global(icon)  # {{ icon("check") }}, {{ icon("key", "Guardian") }}
