"""Who can help, for guardians: the helplines and reporting services of the family's country,
each with the page it was read on and the day it was checked. Guardians only."""

from __future__ import annotations

from flask import Blueprint, render_template

from supervisor.content.helplines import KINDS, helplines_for
from supervisor.tracks.age_gate import in_country
from supervisor.web.access import current_guardian, require_guardian
from supervisor.web.language import content_language

bp = Blueprint("family_help", __name__, url_prefix="/family/help")
bp.before_request(require_guardian)


@bp.get("/")
def index() -> str:
    """Someone to talk to, then where to report, for the family's country."""
    country = current_guardian().family.country
    helplines = helplines_for(content_language())
    services = helplines.for_country(country)
    return render_template(
        "family/help.html",
        groups={kind: [s for s in services if s.kind == kind] for kind in KINDS},
        country=in_country(country),
        fallback=helplines.fallback,
    )
