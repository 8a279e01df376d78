"""The printable licence card: one page that guardian and child print alike, so it lives
apart from both audiences' blueprints (like the agreement)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from supervisor.models import Child
from supervisor.tracks import reads
from supervisor.tracks.operations import track_name


def card_page(child: Child) -> str:
    """The child's card at credit-card size, with a button to print it."""
    return render_template(
        "tracks/card.html",
        child=child,
        tracks=reads.of_child(child.id),
        name=track_name,
        for_child=not current_user.is_guardian,
    )
