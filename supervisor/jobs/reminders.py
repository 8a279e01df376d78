"""Check-in mail: the day before a check-in (with the check-in as a calendar file) and once
when one is overdue. Due dates, recorded check-ins and what is overdue come from the permit's
own reads; ``SentReminder`` keeps each mail to once per track, due date and kind."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from supervisor import clock
from supervisor.db import rows_changed
from supervisor.extensions import db
from supervisor.mail import outbox
from supervisor.mail.topics import Topic
from supervisor.models import Family, Guardian, LoginSession, OneTimeLink, SentReminder, Track
from supervisor.notices import mail_notice, wants
from supervisor.permit import calendar, reads
from supervisor.stages.base import StageKey
from supervisor.tracks.operations import track_name

TOMORROW = "tomorrow"
OVERDUE = "overdue"
OVERDUE_WINDOW = timedelta(days=7)  # older overdue check-ins are not mailed about any more
KINDS = {TOMORROW: Topic.CHECKIN_TOMORROW, OVERDUE: Topic.CHECKIN_OVERDUE}


def send_reminders() -> dict[str, int]:
    """Queue every reminder and overdue notice not sent yet; how many of each were due."""
    tracks = db.session.scalars(
        sa.select(Track)
        .where(Track.stage == StageKey.PERMIT, Track.removed_at.is_(None))
        .order_by(Track.family_id, Track.id)
    ).all()
    by_family: dict[int, list[Track]] = defaultdict(list)
    for track in tracks:
        by_family[track.family_id].append(track)
    sent = {
        (row.track_id, row.due_on, row.kind)
        for row in db.session.scalars(
            sa.select(SentReminder).where(
                SentReminder.due_on >= clock.now().date() - OVERDUE_WINDOW - timedelta(days=2)
            )
        )
    }
    counts = {TOMORROW: 0, OVERDUE: 0}
    for family_id, family_tracks in by_family.items():
        family = db.session.get_one(Family, family_id)
        zone = ZoneInfo(family.timezone)
        guardians = db.session.scalars(
            sa.select(Guardian).where(Guardian.family_id == family_id, Guardian.left_at.is_(None))
        ).all()
        today = clock.now().astimezone(zone).date()
        states = reads.schedule_states(list(family_tracks), zone)
        for track in family_tracks:
            state = states[track.id]
            minutes = state.current.minutes if state.current else 20
            for day, moment in state.upcoming:
                if day == today + timedelta(days=1) and (track.id, day, TOMORROW) not in sent:
                    _remind(track, day, moment, minutes, guardians, TOMORROW)
                    counts[TOMORROW] += 1
            for day in state.overdue:
                if day >= today - OVERDUE_WINDOW and (track.id, day, OVERDUE) not in sent:
                    _remind(track, day, None, minutes, guardians, OVERDUE)
                    counts[OVERDUE] += 1
    return counts


def _remind(
    track: Track,
    day: date,
    moment: datetime | None,
    minutes: int,
    guardians: Sequence[Guardian],
    kind: str,
) -> None:
    topic = KINDS[kind]
    name = track_name(track)
    for guardian in guardians:
        if wants(guardian, topic):
            attachments = None
            if moment is not None:
                with force_locale(outbox.language_of(guardian)):  # the file's words too
                    ics = calendar.calendar_of(
                        _("Check-in"), [calendar.event(track, name, day, moment, minutes)]
                    )
                attachments = [
                    {
                        "filename": "check-in.ics",
                        "content_type": "text/calendar",
                        "content": ics.decode(),
                    }
                ]
            mail_notice(
                guardian,
                topic,
                f"checkin_{kind}",
                attachments=attachments,
                child=track.child.display_name,
                track=name,
                day=day,
                at=moment,
            )
    db.session.add(
        SentReminder(
            track_id=track.id, due_on=day, kind=kind, family_id=track.family_id, sent_at=clock.now()
        )
    )


def expire_links() -> dict[str, int]:
    """Forget one-time links a day past their end, and sessions past the absolute limit."""
    now = clock.now()
    links = db.session.execute(
        sa.delete(OneTimeLink).where(OneTimeLink.expires_at < now - timedelta(days=1))
    )
    sessions = db.session.execute(
        sa.delete(LoginSession).where(
            LoginSession.created_at < now - current_app.config["SESSION_ABSOLUTE_TIMEOUT"]
        )
    )
    return {"links": rows_changed(links), "sessions": rows_changed(sessions)}
