"""Check-ins as iCalendar events, for the family's calendar feed and the file attached to a
reminder mail: one event per check-in, each with a reminder (VALARM) half an hour before."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import icalendar
from flask_babel import gettext as _

from supervisor import clock
from supervisor.models import Track

ALARM_BEFORE = timedelta(minutes=30)


def one_line(text: str) -> str:
    """Calendar lines cannot hold a line break, whatever a name was saved with."""
    return " ".join(text.split())


def event(track: Track, name: str, day: date, moment: datetime, minutes: int) -> icalendar.Event:
    """The check-in of ``track`` (called ``name``) due on ``day`` at ``moment``."""
    summary = one_line(
        _("Check-in: %(child)s · %(track)s", child=track.child.display_name, track=name)
    )
    found = icalendar.Event()
    found.add("uid", f"checkin-{track.id}-{day.isoformat()}@supervisor")
    found.add("summary", summary)
    found.add("dtstart", moment)
    found.add("dtend", moment + timedelta(minutes=minutes))
    found.add("dtstamp", clock.now())
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -ALARM_BEFORE)
    found.add_component(alarm)
    return found


def calendar_of(name: str, events: Iterable[icalendar.Event]) -> bytes:
    """A calendar called ``name`` holding ``events``."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//supervisor//check-ins//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", one_line(name))
    for found in events:
        calendar.add_component(found)
    return bytes(calendar.to_ical())
