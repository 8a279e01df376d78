"""The family's check-in calendar: a secret, revocable iCalendar link for phone calendars.

Only a digest of the link's token is stored; making a new link revokes the old one. A phone's
calendar fetches the feed without anyone's language, so the link carries the language of the
page it was made on (``?lang=es``; none for English) and the events' titles speak it.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from werkzeug import wrappers

from supervisor import links, tokens
from supervisor.extensions import db
from supervisor.models import Family, Track
from supervisor.notices import N_, notice
from supervisor.permit import calendar as permit_calendar
from supervisor.permit import operations, reads
from supervisor.stages.base import StageKey
from supervisor.tracks.operations import track_name
from supervisor.web import authority, language
from supervisor.web.access import current_guardian, guardian_only
from supervisor.web.language import ENGLISH

bp = Blueprint("calendar", __name__)


@bp.get("/calendar/<token>.ics")
def feed(token: str) -> Response:
    """Upcoming check-ins of every track of the family behind ``token`` (404 once revoked)."""
    family = db.session.scalar(
        sa.select(Family).where(Family.calendar_token_hash == tokens.digest(token))
    )
    if family is None:
        abort(404)
    asked = request.args.get("lang", ENGLISH)
    with force_locale(asked if asked in language.offered() else ENGLISH):
        return _feed(family)


def _feed(family: Family) -> Response:
    zone = ZoneInfo(family.timezone)
    tracks = db.session.scalars(
        sa.select(Track).where(Track.family_id == family.id, Track.stage == StageKey.PERMIT)
    )
    events = []
    for track in tracks:
        state = reads.schedule_state(track, zone)
        minutes = state.current.minutes if state.current else 20
        events += [
            permit_calendar.event(track, track_name(track), day, moment, minutes)
            for day, moment in state.upcoming
        ]
    body = permit_calendar.calendar_of(_("%(family)s: check-ins", family=family.name), events)
    return Response(body, mimetype="text/calendar")


@bp.post("/family/calendar")
@guardian_only
def new_link() -> str:
    """Make a new calendar link (the old one stops working) and show it once."""
    guardian = current_guardian()
    family = db.session.get_one(Family, guardian.family_id)
    token = operations.new_calendar_link(family)
    authority.done(
        f"family:{family.id}",
        notice(
            N_("%(name)s made a new calendar link for the check-ins; the old one stopped working."),
            name=guardian.name,
        ),
        by=guardian,
    )
    page = str(get_locale() or ENGLISH)
    link = links.absolute_url(
        "calendar.feed", token=token, **({} if page == ENGLISH else {"lang": page})
    )
    return render_template("permit/calendar_link.html", link=link)


@bp.post("/family/calendar/revoke")
@guardian_only
def revoke() -> wrappers.Response:
    """Stop the calendar link working."""
    guardian = current_guardian()
    family = db.session.get_one(Family, guardian.family_id)
    operations.stop_calendar_link(family)
    authority.done(
        f"family:{family.id}",
        notice(N_("%(name)s stopped the calendar link."), name=guardian.name),
        by=guardian,
    )
    flash(_("The calendar link no longer works."), "success")
    return redirect(url_for("family.settings"))
