"""Who can help, on the child's profile: the helplines of the family's country, in a child's
words, each number a link the tablet can dial."""

from __future__ import annotations

from flask import Blueprint, render_template

from supervisor.content.helplines import helplines_for
from supervisor.tracks.age_gate import in_country
from supervisor.web.access import current_child, require_child
from supervisor.web.language import content_language

bp = Blueprint("child_help", __name__, url_prefix="/me/help")
bp.before_request(require_child)


@bp.get("/")
def index() -> str:
    """The family's country's services a child can use; the fallback when there is no list."""
    country = current_child().family.country
    helplines = helplines_for(content_language())
    services = [s for s in helplines.for_country(country) if s.for_child]
    return render_template(
        "child/help.html",
        services=services,
        country=in_country(country),
        fallback=helplines.fallback,
    )
