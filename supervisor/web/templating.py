"""Template helpers: times in the family's own time zone, zones by their readable names, the
stages by name, and inline icons."""

from __future__ import annotations

from flask import Flask

from supervisor import clock
from supervisor.content.places import zone_label
from supervisor.local_time import duration, when, when_in
from supervisor.stages.base import StageKey
from supervisor.web.icons import icon


def init_app(app: Flask) -> None:
    app.add_template_filter(when)
    app.add_template_filter(when_in)  # mail: the family's zone, named
    app.add_template_filter(duration)
    app.add_template_filter(zone_label)
    app.context_processor(lambda: {"now": clock.now()})
    # Pages compare a track's stage with ``StageKey.PERMIT`` and name it by ``stage.label``.
    app.add_template_global(StageKey, "StageKey")
    app.add_template_global(icon)  # {{ icon("check") }}, {{ icon("key", "Guardian") }}
