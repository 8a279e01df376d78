"""Check-ins and learning moments: every option of the forms, only days that have come, once
per date, corrections that keep the original, withdrawn moments, and what counts."""

# ruff: noqa: F811 - the tests take the ``permit`` fixture imported from test_permit

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from supervisor.extensions import db
from supervisor.models import AuditEvent, CheckIn, HistoryIsAppendOnly, LearningMoment, Track
from supervisor.permit import reads
from tests.conftest import text
from tests.test_age_gate import primary_buttons
from tests.test_database import alembic_config, alembic_engine  # noqa: F401 - fixtures
from tests.test_permit import (
    LONDON,
    MONDAY_EVENING,
    agree_schedule,
    move_to,
    permit,  # noqa: F401 - a fixture
)


def page_of(client, url):
    """A page's text with runs of white space as one space, to read sentences across lines."""
    return " ".join(text(client.get(url)).split())


def log_moment(permit, what):
    response = permit["guardian"].submit(
        f"/family/tracks/{permit['track']}/moments/new",
        data={"kind": "too_long", "what_happened": what, "lesson": ""},
    )
    assert response.status_code == 302, text(response)


def moment_id(app, what):
    with app.app_context():
        return db.session.scalars(
            sa.select(LearningMoment.id).where(LearningMoment.what_happened == what)
        ).one()


def form_values(html, name):
    return re.findall(rf'name="{name}" type="checkbox" value="([^"]+)"', html) or re.findall(
        rf'type="checkbox" name="{name}" value="([^"]+)"', html
    )


def record(permit, due, **fields):
    data = {"due_on": due, "held": "held", **fields}
    return permit["guardian"].submit(f"/family/tracks/{permit['track']}/checkins/new", data=data)


def current_checkin(app, due):
    with app.app_context():
        return db.session.scalars(
            sa.select(CheckIn).where(CheckIn.due_on == due, CheckIn.replaced_at.is_(None))
        ).one()


def test_every_option_of_the_checkin_form_with_prompts_and_moments(app, clock, permit):
    """Issue 15: ticking a prompt answered 500. Every prompt, every moment, held and skipped."""
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    agree_schedule(permit)
    log_moment(permit, "Scrolled until midnight.")
    log_moment(permit, "Posted our street name.")
    move_to(permit, clock, MONDAY_EVENING + timedelta(weeks=1))  # 9 and 16 March are due
    html = text(guardian.get(f"/family/tracks/{track}/checkins/new"))
    assert "<select multiple" not in html and 'multiple id="prompts"' not in html
    assert "<legend" in html and "Prompts we used</legend>" in html
    assert "Learning moments we talked through</legend>" in html
    prompt_keys, moment_ids = form_values(html, "prompts"), form_values(html, "moments")
    assert len(prompt_keys) >= 2 and len(moment_ids) == 2
    labels = dict(re.findall(r'value="([^"]+)"[^>]*><span>([^<]+)</span>', html))
    first = moment_id(app, "Scrolled until midnight.")
    response = record(
        permit,
        "2026-03-09",
        prompts=prompt_keys,
        moments=[str(first)],
        shared_notes="We talked about bedtime.",
        private_notes="Went well.",
    )
    assert response.status_code == 302, text(response)
    assert record(permit, "2026-03-16", held="skipped").status_code == 302
    move_to(permit, clock, MONDAY_EVENING + timedelta(weeks=2))
    html = text(guardian.get(f"/family/tracks/{track}/checkins/new"))
    second = moment_id(app, "Posted our street name.")
    assert form_values(html, "moments") == [str(second)]  # the first was talked through
    assert record(permit, "2026-03-23", moments=[str(second)]).status_code == 302
    for page in (
        page_of(guardian, f"/family/tracks/{track}"),
        page_of(tablet, f"/me/tracks/{track}"),
    ):
        for key in prompt_keys:
            assert " ".join(labels[key].split()) in page
        assert "Held: “We talked about bedtime.”" in page and "Skipped" in page
        assert "Learning moments talked through: “Scrolled until midnight.”" in page
        assert "Learning moments talked through: “Posted our street name.”" in page
        assert "On the agenda for the next check-in." not in page
    assert "Private note: Went well." in page_of(guardian, f"/family/tracks/{track}")
    child_page = page_of(tablet, f"/me/tracks/{track}")
    assert "Went well." not in child_page and "also wrote a note for themselves" in child_page


def test_a_skipped_checkin_with_ticks_is_refused_and_keeps_what_was_typed(clock, permit):
    guardian, track = permit["guardian"], permit["track"]
    agree_schedule(permit)
    move_to(permit, clock, MONDAY_EVENING)
    html = text(guardian.get(f"/family/tracks/{track}/checkins/new"))
    key = form_values(html, "prompts")[0]
    response = record(
        permit, "2026-03-09", held="skipped", prompts=[key], shared_notes="Ill, moved it."
    )
    assert response.status_code == 200
    page = text(response)
    assert "A skipped check-in used no prompts" in page and "Ill, moved it." in page
    assert re.search(rf'checked[^>]*value="{key}"|value="{key}"[^>]*checked', page)


def test_a_day_to_come_cannot_be_recorded(app, clock, permit):
    """On Monday 2 March the check-in of Monday 9 March is not offered, and is refused."""
    guardian, track = permit["guardian"], permit["track"]
    agree_schedule(permit)
    response = guardian.get(f"/family/tracks/{track}/checkins/new", follow_redirects=True)
    page = " ".join(text(response).split())
    assert "No check-in is due yet. The next is on Monday 9 March: record it on the day" in page
    assert 'name="due_on"' not in page
    refused = record(permit, "2026-03-09", shared_notes="We will talk about followers.")
    assert refused.status_code == 200
    page = text(refused)
    assert "The check-in of Monday 9 March hasn&#39;t come yet" in page
    assert "We will talk about followers." in page
    with app.app_context():
        assert db.session.scalars(sa.select(CheckIn)).all() == []
    # On the day, even before the agreed hour, it can be recorded (held earlier, say).
    move_to(permit, clock, datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    assert "Monday 9 March" in text(guardian.get(f"/family/tracks/{track}/checkins/new"))
    assert record(permit, "2026-03-09").status_code == 302


def test_the_same_date_twice_is_refused(app, clock, permit, monkeypatch):
    guardian, track = permit["guardian"], permit["track"]
    agree_schedule(permit)
    move_to(permit, clock, MONDAY_EVENING)
    assert record(permit, "2026-03-09", shared_notes="First.").status_code == 302
    again = record(permit, "2026-03-09", held="skipped", shared_notes="Second try.")
    assert again.status_code == 200
    page = text(again)
    assert "The check-in of Monday 9 March is recorded already" in page
    assert "correct that record on the track page" in page and "Second try." in page
    # A record saved by someone else between reading the schedule and saving: 409, same words.
    move_to(permit, clock, MONDAY_EVENING + timedelta(weeks=1))
    real = reads.schedule_state

    def raced(track_row, zone):
        state = real(track_row, zone)
        db.session.add(
            CheckIn(
                family_id=track_row.family_id,
                track_id=track_row.id,
                due_on=date(2026, 3, 16),
                held=True,
                recorded_at=clock.current,
                prompts_used=[],
            )
        )
        db.session.flush()
        return state

    monkeypatch.setattr(reads, "schedule_state", raced)
    lost = record(permit, "2026-03-16", shared_notes="Typed at the same moment.")
    assert lost.status_code == 409
    assert "is recorded already" in text(lost) and "Typed at the same moment." in text(lost)
    monkeypatch.undo()
    with app.app_context():
        assert [c.shared_notes for c in db.session.scalars(sa.select(CheckIn))] == ["First."]
        assert db.session.get_one(CheckIn, 1).recorded_at == MONDAY_EVENING
    assert guardian.get(f"/family/tracks/{track}").status_code == 200


def test_recorded_dates_leave_every_next_list(app, clock, permit):
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    agree_schedule(permit)
    move_to(permit, clock, datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    page = page_of(guardian, f"/family/tracks/{track}")
    assert "Next: 9 Mar 2026, 18:00, 16 Mar 2026, 18:00, 23 Mar 2026, 18:00" in page
    # Today's can be recorded: held together is the way offered first.
    assert "Hold a check-in together" in primary_buttons(page)
    assert "Record a check-in" in page
    calendar_page = text(guardian.submit("/family/calendar"))
    feed = re.search(r'value="https?://[^/]+(/calendar/[^"]+\.ics)"', calendar_page).group(1)
    assert record(permit, "2026-03-09").status_code == 302
    page = page_of(guardian, f"/family/tracks/{track}")
    assert "Next: 16 Mar 2026, 18:00, 23 Mar 2026, 18:00, 30 Mar 2026, 18:00" in page
    assert "Hold a check-in together" in page and "Record a check-in" in page
    assert not {"Hold a check-in together", "Record a check-in"} & set(primary_buttons(page))
    assert "Next check-in: 16 Mar 2026, 18:00" in page_of(guardian, "/family/")
    assert "Next check-in: 16 Mar 2026, 18:00" in page_of(tablet, "/me/")
    assert "Next: 16 Mar 2026, 18:00" in page_of(tablet, f"/me/tracks/{track}")
    events = icalendar.Calendar.from_ical(app.test_client().get(feed).data).walk("VEVENT")
    starts = [e.decoded("DTSTART") for e in events]
    assert datetime(2026, 3, 9, 18, 0, tzinfo=UTC) not in starts and len(starts) == 3


def correct(permit, checkin_id, **fields):
    url = f"/family/tracks/{permit['track']}/checkins/{checkin_id}/correct"
    return permit["guardian"].submit(url, data=fields)


def test_a_correction_keeps_the_original_and_the_child_sees_why(app, clock, permit):
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    agree_schedule(permit)
    log_moment(permit, "Scrolled until midnight.")
    moment = moment_id(app, "Scrolled until midnight.")
    move_to(permit, clock, MONDAY_EVENING)
    assert (
        record(
            permit,
            "2026-03-09",
            moments=[str(moment)],
            shared_notes="Talked about followers.",
            private_notes="First note.",
        ).status_code
        == 302
    )
    original = current_checkin(app, date(2026, 3, 9))
    form = text(guardian.get(f"/family/tracks/{track}/checkins/{original.id}/correct"))
    assert "Talked about followers." in form and "First note." in form
    assert re.search(r'<input checked[^>]*value="held"', form)
    assert re.search(rf'<input checked[^>]*name="moments"[^>]*value="{moment}"', form)
    no_reason = correct(
        permit, original.id, held="skipped", shared_notes="We moved it.", version="1"
    )
    assert no_reason.status_code == 200
    assert "Say why you are correcting it." in text(no_reason) and "We moved it." in text(no_reason)
    move_to(permit, clock, MONDAY_EVENING + timedelta(days=1))
    done = correct(
        permit,
        original.id,
        held="skipped",
        shared_notes="We moved it.",
        reason="we mixed up the weeks",
        version="1",
    )
    assert done.status_code == 302, text(done)
    for page in (
        page_of(guardian, f"/family/tracks/{track}"),
        page_of(tablet, f"/me/tracks/{track}"),
    ):
        assert "Skipped: “We moved it.”" in page
        assert "Corrected on 10 Mar 2026 by Ada because “we mixed up the weeks”" in page
        assert "Original record, 9 Mar 2026 by Ada: Held: “Talked about followers.”" in page
        assert "On the agenda for the next check-in." in page  # no longer talked through
    assert "First note." in page_of(guardian, f"/family/tracks/{track}")
    assert "First note." not in page_of(tablet, f"/me/tracks/{track}")
    with app.app_context():
        rows = db.session.scalars(sa.select(CheckIn).order_by(CheckIn.id)).all()
        assert [(r.held, r.shared_notes, r.replaced_at is None) for r in rows] == [
            (True, "Talked about followers.", False),
            (False, "We moved it.", True),
        ]
        assert rows[0].moments_talked == [moment] and rows[1].replaces_id == rows[0].id
        assert db.session.scalars(
            sa.select(AuditEvent.subject).where(AuditEvent.action == "checkin_correct")
        ).all() == [f"checkin:{original.id}"]
        rows[0].shared_notes = "Rewritten"
        with pytest.raises(HistoryIsAppendOnly):
            db.session.flush()
        db.session.rollback()
    # The page opened before the correction: 409, and what was typed is still there.
    stale = correct(
        permit, original.id, held="held", shared_notes="Late typing.", reason="oops", version="1"
    )
    assert stale.status_code == 409
    assert "was corrected since the page was opened" in text(stale)
    assert "Late typing." in text(stale)
    newer = current_checkin(app, date(2026, 3, 9))
    wrong_version = correct(
        permit, newer.id, held="held", reason="back again", version=str(newer.version + 5)
    )
    assert wrong_version.status_code == 409 and "back again" in text(wrong_version)


def test_a_withdrawn_moment_is_kept_marked_and_off_the_agenda(app, clock, permit):
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    agree_schedule(permit)
    log_moment(permit, "Logged on the wrong child.")
    log_moment(permit, "Scrolled until midnight.")
    wrong = moment_id(app, "Logged on the wrong child.")
    url = f"/family/tracks/{track}/moments/{wrong}/withdraw"
    assert "2 learning moments to talk about" in page_of(tablet, "/me/")
    refused = guardian.submit(url, data={"reason": "", "version": "1"})
    assert refused.status_code == 200 and "Say why you are withdrawing it." in text(refused)
    done = guardian.submit(url, data={"reason": "it was meant for Zoe", "version": "1"})
    assert done.status_code == 302, text(done)
    marked = "Withdrawn on 2 Mar 2026 by Ada because “it was meant for Zoe”"
    assert marked in page_of(guardian, f"/family/tracks/{track}")
    child_page = page_of(tablet, f"/me/tracks/{track}")
    assert marked in child_page and "Logged on the wrong child." in child_page
    assert "Logged on 2 Mar 2026 · Spent too long on it" in child_page  # when, and what kind
    assert "It is not on your agenda and counts nowhere." in child_page
    assert f'action="/me/moments/{wrong}/reflect"' not in child_page
    late = tablet.submit(f"/me/moments/{wrong}/reflect", data={"reflection": "Sorry."})
    assert late.status_code == 409 and "Your guardians withdrew this learning moment." in text(late)
    assert "1 learning moment to talk about" in page_of(tablet, "/me/")
    kept = moment_id(app, "Scrolled until midnight.")
    first = tablet.submit(f"/me/moments/{kept}/reflect", data={"reflection": "Phone out at nine."})
    assert first.status_code == 302
    second = tablet.submit(f"/me/moments/{kept}/reflect", data={"reflection": "Changed it."})
    assert second.status_code == 409 and "already saved" in text(second)
    with app.app_context():
        assert db.session.get_one(LearningMoment, kept).reflection == "Phone out at nine."
    move_to(permit, clock, MONDAY_EVENING)
    html = text(guardian.get(f"/family/tracks/{track}/checkins/new"))
    assert form_values(html, "moments") == [str(moment_id(app, "Scrolled until midnight."))]
    assert record(permit, "2026-03-09", moments=[str(wrong)]).status_code == 200  # not offered
    again = guardian.submit(url, data={"reason": "twice", "version": "1"})
    assert again.status_code == 409 and "twice" in text(again)
    with app.app_context():
        kept = db.session.get_one(LearningMoment, wrong)
        assert kept.withdrawn_reason == "it was meant for Zoe" and kept.talked_in_id is None


def missing_checkins(page):
    found = re.search(r"(\d+) more check-ins?", page)
    return int(found.group(1)) if found else 0


def test_counts_toward_leaving_the_permit_follow_corrections(app, clock, permit):
    """Six held check-ins are needed; corrections and days recorded ahead count right."""
    guardian, track = permit["guardian"], permit["track"]
    agree_schedule(permit)
    for week in range(3):
        move_to(permit, clock, MONDAY_EVENING + timedelta(weeks=week))
        due = (date(2026, 3, 9) + timedelta(weeks=week)).isoformat()
        assert record(permit, due).status_code == 302
    page = page_of(guardian, f"/family/tracks/{track}")
    assert missing_checkins(page) == 3
    first = current_checkin(app, date(2026, 3, 9))
    correct(permit, first.id, held="skipped", reason="we never sat down", version="1")
    assert missing_checkins(page_of(guardian, f"/family/tracks/{track}")) == 4
    skipped = current_checkin(app, date(2026, 3, 9))
    correct(permit, skipped.id, held="held", reason="we did, on the sofa", version="1")
    assert missing_checkins(page_of(guardian, f"/family/tracks/{track}")) == 3
    with app.app_context():  # a record made ahead of its day, before dates were checked
        ahead = CheckIn(
            family_id=first.family_id,
            track_id=first.track_id,
            due_on=date(2026, 3, 30),
            held=True,
            recorded_at=clock.current,
            prompts_used=[],
        )
        db.session.add(ahead)
        db.session.commit()
        ahead_id = ahead.id
    move_to(permit, clock, MONDAY_EVENING + timedelta(weeks=3))
    page = page_of(guardian, f"/family/tracks/{track}")
    assert missing_checkins(page) == 3 and "Recorded before its day came" in page
    correct(permit, ahead_id, held="held", reason="it took place as planned", version="1")
    assert missing_checkins(page_of(guardian, f"/family/tracks/{track}")) == 2
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 7


def test_a_date_recorded_twice_before_the_checks_keeps_both_records(alembic_runner, alembic_engine):
    """The migration keeps every record: the later of two for one date is current, the
    earlier is kept as the one it replaced, and moments talked through stay talked through."""
    alembic_runner.migrate_up_to("0009")
    at = "2026-03-09 19:00:00"
    with alembic_engine.begin() as connection:
        run = connection.exec_driver_sql
        run("INSERT INTO family (id, name, created_at) VALUES (1, 'F', '2026-01-01 00:00:00')")
        run(
            "INSERT INTO child (id, family_id, display_name, avatar, colour, birth_year,"
            " birth_month, created_at) VALUES (1, 1, 'Mo', 'x', 'sky', 2013, 5, '2026-01-01')"
        )
        run(
            "INSERT INTO track (id, family_id, child_id, platform, stage, stage_entered_at,"
            " created_at, connections, refresher, version)"
            " VALUES (1, 1, 1, 'instagram', 'permit', '2026-01-01', '2026-01-01', '[]', false, 1)"
        )
        connection.execute(
            sa.text(
                "INSERT INTO checkin (id, family_id, track_id, due_on, held, recorded_at,"
                " prompts_used) VALUES (:id, 1, 1, '2026-03-09', true, :at, '[]')"
            ),
            [{"id": 1, "at": at}, {"id": 2, "at": at}],
        )
        run(
            "INSERT INTO learning_moment (id, family_id, track_id, kind, what_happened,"
            " created_at, talked_in_id) VALUES (1, 1, 1, 'other', 'x', '2026-03-01', 1)"
        )
    alembic_runner.migrate_up_one()
    with alembic_engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT id, replaces_id, replaced_at IS NULL, moments_talked FROM checkin ORDER BY id"
        ).all()
        talked_in = connection.exec_driver_sql("SELECT talked_in_id FROM learning_moment").scalar()
    assert [(r[0], r[1], bool(r[2])) for r in rows] == [(1, None, False), (2, 1, True)]
    assert [json_list(r[3]) for r in rows] == [[1], [1]] and talked_in == 2


def json_list(value):
    """A JSON column read with plain SQL: text on SQLite, a list on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def test_both_home_pages_tell_a_checkin_due_or_overdue_before_the_next(app, clock, permit):
    guardian, tablet = permit["guardian"], permit["tablet"]
    agree_schedule(permit)
    move_to(permit, clock, datetime(2026, 3, 9, 19, 0, tzinfo=UTC))  # Monday's 18:00 passed
    for page in (page_of(tablet, "/me/"), page_of(guardian, "/family/")):
        due = page.index("Check-in due today at 18:00, not recorded yet")
        assert due < page.index("Next check-in: 16 Mar 2026, 18:00")
        assert "overdue since" not in page
    move_to(permit, clock, datetime(2026, 3, 10, 9, 0, tzinfo=UTC))  # the next morning
    for page in (page_of(tablet, "/me/"), page_of(guardian, "/family/")):
        assert "Check-in due on 9 March at 18:00, not recorded yet" in page
    move_to(permit, clock, datetime(2026, 3, 10, 19, 0, tzinfo=UTC))  # a day later: late
    for page in (page_of(tablet, "/me/"), page_of(guardian, "/family/")):
        overdue = page.index("Check-in overdue since 9 March")
        assert overdue < page.index("Next check-in: 16 Mar 2026, 18:00")
        assert "not recorded yet" not in page
    assert record(permit, "2026-03-09").status_code == 302
    for page in (page_of(tablet, "/me/"), page_of(guardian, "/family/")):
        assert "overdue since" not in page and "not recorded yet" not in page


def test_a_schedule_agreed_after_todays_hour_starts_with_the_next_check_in(app, clock, permit):
    """Agreed at 09:00 on a Monday for Mondays at 08:30: that morning's check-in was never
    due, so no page calls it due, overdue or missing, and the first is the next Monday's."""
    guardian, tablet = permit["guardian"], permit["tablet"]
    agree_schedule(permit, starts_on="2026-03-02", at_time="08:30")
    for url, client in (("/me/", tablet), ("/family/", guardian)):
        page = page_of(client, url)
        assert "Next check-in: 9 Mar 2026, 08:30" in page
        assert "Check-in due" not in page and "overdue" not in page
    move_to(permit, clock, datetime(2026, 3, 3, 12, 0, tzinfo=UTC))  # a day after 08:30
    for url, client in (("/me/", tablet), ("/family/", guardian)):
        page = page_of(client, url)
        assert "Check-in due" not in page and "overdue" not in page
    with app.app_context():
        state = reads.schedule_state(db.session.get(Track, permit["track"]), LONDON)
        assert state.unrecorded == [] and state.overdue == [] and state.due == []


def test_the_calendar_speaks_the_language_of_the_page_its_link_was_made_on(app, clock, permit):
    """A phone's calendar asks in no one's language: the link carries the page's."""
    guardian = permit["guardian"]
    agree_schedule(permit)
    move_to(permit, clock, datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    guardian.submit("/account/language", data={"language": "es"})
    made = text(guardian.submit("/family/calendar"))
    feed = re.search(r'value="https?://[^/]+(/calendar/[^"]+\.ics\?lang=es)"', made).group(1)
    with app.test_request_context(), force_locale("es"):
        spanish = gettext("Check-in: %(child)s · %(track)s", child="Mo", track="Instagram")
    assert spanish != "Check-in: Mo · Instagram"

    def titles(url: str) -> set[str]:
        events = icalendar.Calendar.from_ical(app.test_client().get(url).data).walk("VEVENT")
        return {str(e["SUMMARY"]) for e in events}

    assert titles(feed) == {spanish}
    # Without the language, or with one the app does not offer, English.
    english = feed.split("?")[0]
    assert titles(english) == titles(english + "?lang=xx") == {"Check-in: Mo · Instagram"}
