"""The hourly check-in mail (issue 17, items 3 and 7): a reminder the day before with the
check-in as a calendar file, and one overdue notice, each once however often the job runs;
and the expiry of one-time links and old sessions."""

# ruff: noqa: F811 - the tests take the ``permit`` fixture imported from test_permit

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from supervisor.extensions import db
from supervisor.jobs import tasks
from supervisor.mail.topics import Topic
from supervisor.models import Guardian, LoginSession, OneTimeLink, SentReminder
from tests.conftest import deliver, drain
from tests.test_notice_mail import confirm
from tests.test_permit import agree_schedule, permit  # noqa: F401 - a fixture

SUNDAY_MORNING = datetime(2026, 3, 8, 10, 0, tzinfo=UTC)  # the first check-in: Monday 18:00


@pytest.fixture
def linked(app, monkeypatch):
    """Jobs run outside any request: their links come from BASE_URL."""
    monkeypatch.setitem(app.config, "BASE_URL", "https://supervisor.example.org")


def run(app, name: str):
    with app.app_context():
        return getattr(tasks, name)()


def test_a_check_in_tomorrow_is_mailed_once_with_a_calendar_file(
    app, clock, permit, mail_server, linked
):
    agree_schedule(permit)
    confirm(app, "ada@example.org")
    drain(app)
    clock.current = SUNDAY_MORNING
    assert run(app, "reminders") == {"tomorrow": 1, "overdue": 0}
    assert run(app, "reminders") == {}  # the same hour: another worker's turn, nothing
    clock.advance(hours=1)
    assert run(app, "reminders") == {"tomorrow": 0, "overdue": 0}  # sent already
    assert deliver(app) == 1
    (mail,) = mail_server.received
    assert mail.rcpt_tos == ["ada@example.org"]
    assert mail.subject.startswith("Check-in tomorrow: Mo")
    for part in ("plain", "html"):
        assert "tomorrow, 9 Mar 2026, 18:00 (London time)" in mail.part(part)  # in the job too
        assert "A check-in is tomorrow (with a calendar file)" in mail.part(part)
        assert "is switched on in your mail choices" in mail.part(part)
        assert "you chose" not in mail.part(part)  # nobody chose it: it is on by default
    assert "https://supervisor.example.org/account#mail" in mail.links()
    assert mail.message["List-Unsubscribe"].startswith("<https://supervisor.example.org/mail/")
    (attachment,) = mail.attachments()
    assert attachment.get_filename() == "check-in.ics"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2026, 3, 9, 18, 0, tzinfo=UTC)
    assert event.walk("VALARM")


def test_an_overdue_check_in_is_mailed_once(app, clock, permit, mail_server, linked):
    agree_schedule(permit)
    confirm(app, "ada@example.org")
    drain(app)
    clock.current = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)
    first = run(app, "reminders")
    assert first["overdue"] == 1
    clock.advance(hours=1)
    assert run(app, "reminders")["overdue"] == 0
    deliver(app)
    overdue = [m for m in mail_server.received if m.subject.startswith("Check-in overdue")]
    assert len(overdue) == 1
    for part in ("plain", "html"):
        assert "was due on 9 Mar 2026," in overdue[0].part(part)
        assert "is switched on in your mail choices" in overdue[0].part(part)
    with app.app_context():
        kinds = db.session.scalars(sa.select(SentReminder.kind)).all()
    assert kinds.count("overdue") == 1


def test_no_reminder_for_a_topic_switched_off_or_an_unconfirmed_address(
    app, clock, permit, mail_server, linked
):
    agree_schedule(permit)
    clock.current = SUNDAY_MORNING
    assert run(app, "reminders")["tomorrow"] == 1  # noted as done, but Ada is unconfirmed
    deliver(app)
    assert [m.subject for m in mail_server.received if "check-in" in m.subject.lower()] == []
    confirm(app, "ada@example.org")
    drain(app)
    with app.app_context():
        guardian = db.session.scalars(sa.select(Guardian)).one()
        guardian.mail_off = [Topic.CHECKIN_OVERDUE.value]
        db.session.commit()
    clock.current = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)
    run(app, "reminders")
    deliver(app)
    assert mail_server.received == []


def test_expired_links_and_old_sessions_are_forgotten(app, clock, permit):
    with app.app_context():
        guardian = db.session.scalars(sa.select(Guardian)).one()
        for hours, digest in ((-30, "old"), (-1, "recent"), (1, "live")):
            db.session.add(
                OneTimeLink(
                    guardian_id=guardian.id,
                    purpose="reset",
                    email=guardian.email,
                    token_hash=digest * 8,
                    created_at=clock.current - timedelta(hours=2),
                    expires_at=clock.current + timedelta(hours=hours),
                )
            )
        db.session.commit()
        sessions_before = db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession))
    clock.advance(hours=13)  # past the 12 hours of every session made so far
    result = run(app, "expire_links")
    # Only the link that ended over a day ago goes; the others ended less than a day ago.
    assert result["links"] == 1 and result["sessions"] == sessions_before
    with app.app_context():
        kept = sorted(  # the sign-up's own confirmation link lives 7 days, and stays too
            db.session.scalars(
                sa.select(OneTimeLink.token_hash).where(OneTimeLink.purpose != "confirm")
            )
        )
    assert kept == ["live" * 8, "recent" * 8]


def test_without_base_url_outside_production_reminders_link_to_the_development_server(
    app, clock, permit, mail_server
):
    assert not app.config.get("BASE_URL")
    agree_schedule(permit)
    confirm(app, "ada@example.org")
    drain(app)
    clock.current = SUNDAY_MORNING
    assert run(app, "reminders") == {"tomorrow": 1, "overdue": 0}
    assert deliver(app) == 1
    (mail,) = mail_server.received
    assert mail.links() and all(link.startswith("http://127.0.0.1:5000/") for link in mail.links())
