"""The family's check-in calendar: a secret, revocable iCalendar link for phone calendars.

Only a digest of the link's token is stored; making a new link revokes the old one.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from werkzeug import wrappers

from supervisor import clock, links, tokens
from supervisor.extensions import db
from supervisor.models import Family, Track
from supervisor.permit import operations, reads
from supervisor.stages.base import StageKey
from supervisor.tracks.operations import track_name
from supervisor.web import authority
from supervisor.web.access import current_guardian, guardian_only

bp = Blueprint("calendar", __name__)


@bp.get("/calendar/<token>.ics")
def feed(token: str) -> Response:
    """Upcoming check-ins of every track of the family behind ``token`` (404 once revoked)."""
    family = db.session.scalar(
        sa.select(Family).where(Family.calendar_token_hash == tokens.digest(token))
    )
    if family is None:
        abort(404)
    zone = ZoneInfo(family.timezone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//supervisor//check-ins//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _one_line(f"{family.name}: check-ins"))
    tracks = db.session.scalars(
        sa.select(Track).where(Track.family_id == family.id, Track.stage == StageKey.PERMIT)
    )
    for track in tracks:
        state = reads.schedule_state(track, zone)
        minutes = state.current.minutes if state.current else 20
        for day, moment in state.upcoming:
            event = icalendar.Event()
            event.add("uid", f"checkin-{track.id}-{day.isoformat()}@supervisor")
            event.add(
                "summary", _one_line(f"Check-in: {track.child.display_name} · {track_name(track)}")
            )
            event.add("dtstart", moment)
            event.add("dtend", moment + timedelta(minutes=minutes))
            event.add("dtstamp", clock.now())
            calendar.add_component(event)
    return Response(calendar.to_ical(), mimetype="text/calendar")


def _one_line(text: str) -> str:
    """Calendar lines cannot hold a line break, whatever a name was saved with."""
    return " ".join(text.split())


@bp.post("/family/calendar")
@guardian_only
def new_link() -> str:
    """Make a new calendar link (the old one stops working) and show it once."""
    guardian = current_guardian()
    family = db.session.get_one(Family, guardian.family_id)
    token = operations.new_calendar_link(family)
    authority.done(
        f"family:{family.id}",
        f"{guardian.name} made a new calendar link for the check-ins; the old one stopped working.",
        by=guardian,
    )
    link = links.absolute_url("calendar.feed", token=token)
    return render_template("permit/calendar_link.html", link=link)


@bp.post("/family/calendar/revoke")
@guardian_only
def revoke() -> wrappers.Response:
    """Stop the calendar link working."""
    guardian = current_guardian()
    family = db.session.get_one(Family, guardian.family_id)
    operations.stop_calendar_link(family)
    authority.done(
        f"family:{family.id}", f"{guardian.name} stopped the calendar link.", by=guardian
    )
    flash("The calendar link no longer works.", "success")
    return redirect(url_for("family.settings"))
