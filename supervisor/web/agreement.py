"""The printable family agreement: one page that guardian and child print alike, so it lives
apart from both audiences' blueprints."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template

from supervisor.content.monitoring import HOVERING
from supervisor.models import Track
from supervisor.permit.summary import agreement_view
from supervisor.tracks.operations import track_name
from supervisor.web.language import content_language


def agreement_page(track: Track) -> str:
    """The agreement as both guardian and child print it: the same page for both."""
    return render_template(
        "permit/agreement.html",
        track=track,
        name=track_name(track),
        agreement=agreement_view(track, content_language()),
        hovering=HOVERING,
        family=track.child.family,
        one_year=timedelta(days=365),
    )
