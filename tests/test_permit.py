"""Learner's permit: walkthroughs, the monitoring arrangement, check-in schedules, check-ins,
learning moments, the calendar feed, and leaving the permit."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa
from flask_babel import gettext
from flask_wtf import FlaskForm
from markupsafe import escape

from supervisor import clock
from supervisor.content.walkthroughs import WALKTHROUGHS, for_platform
from supervisor.db import metadata
from supervisor.extensions import db
from supervisor.models import CheckIn, CheckInSchedule, Child, Family, Track, WalkthroughRun
from supervisor.stages import schedule
from supervisor.tracks import facts
from tests.conftest import (
    PASSWORD,
    UK,
    Auth,
    add_child,
    make_app,
    pass_all_lessons,
    snapshot,
    tap_i_agree,
    text,
    weekly_schedule,
)
from tests.test_corrections import join

PIN = "4826"
FADE_PLAN = {
    "frequency": "weekly", "weekday": "0", "at_time": "18:00", "minutes": "20",
    "starts_on": "2026-03-09", "fade1_on": "2026-05-01", "fade1_frequency": "fortnightly",
    "fade2_on": "2026-07-01", "fade2_frequency": "monthly",
}  # fmt: skip
LONDON = ZoneInfo("Europe/London")


# --- schedule maths ------------------------------------------------------------------------


def rhythm(frequency, start, weekday=5, at="18:00", every=0):
    return schedule.Rhythm(frequency, every, weekday, at, start)


def days(found):
    return [d for d, _ in found]


def test_weekly_across_a_month_end():
    found = schedule.occurrences(
        [rhythm("weekly", date(2026, 1, 20))], LONDON, date(2026, 1, 1), date(2026, 2, 20)
    )
    assert days(found) == [
        date(2026, 1, 24),
        date(2026, 1, 31),
        date(2026, 2, 7),
        date(2026, 2, 14),
    ]


def test_monthly_is_the_first_weekday_of_each_month_across_a_year_end():
    found = schedule.occurrences(
        [rhythm("monthly", date(2026, 11, 10), weekday=0)],
        LONDON,
        date(2026, 11, 1),
        date(2027, 2, 28),
    )
    assert days(found) == [date(2026, 12, 7), date(2027, 1, 4), date(2027, 2, 1)]


def test_local_time_is_kept_across_daylight_saving():
    found = schedule.occurrences(
        [rhythm("weekly", date(2026, 3, 20), weekday=5)],
        LONDON,
        date(2026, 3, 20),
        date(2026, 4, 5),
    )
    assert [moment for _, moment in found] == [
        datetime(2026, 3, 21, 18, 0, tzinfo=UTC),  # GMT
        datetime(2026, 3, 28, 18, 0, tzinfo=UTC),  # still GMT (change is 29 March)
        datetime(2026, 4, 4, 17, 0, tzinfo=UTC),  # BST: 18:00 local is 17:00 UTC
    ]
    sydney = ZoneInfo("Australia/Sydney")
    autumn = schedule.occurrences(
        [rhythm("weekly", date(2026, 3, 30), weekday=2, at="19:30")],
        sydney,
        date(2026, 3, 30),
        date(2026, 4, 10),
    )
    assert [m.astimezone(sydney).hour for _, m in autumn] == [19, 19]
    assert autumn[0][1].hour != autumn[1][1].hour  # UTC hour moves when Sydney leaves DST


def test_relaxing_and_every_n_days():
    plan = [
        rhythm("weekly", date(2026, 1, 1), weekday=3),
        rhythm("fortnightly", date(2026, 2, 1), weekday=3),
        rhythm("monthly", date(2026, 3, 15), weekday=3),
    ]
    found = days(schedule.occurrences(plan, LONDON, date(2026, 1, 1), date(2026, 5, 31)))
    assert found[:5] == [date(2026, 1, d) for d in (1, 8, 15, 22, 29)]
    assert date(2026, 2, 5) in found and date(2026, 2, 12) not in found
    assert found[-5:] == [
        date(2026, 2, 5),
        date(2026, 2, 19),
        date(2026, 3, 5),
        date(2026, 4, 2),
        date(2026, 5, 7),
    ]
    every_ten = days(
        schedule.occurrences(
            [rhythm("days", date(2026, 1, 30), every=10)],
            LONDON,
            date(2026, 1, 1),
            date(2026, 3, 5),
        )
    )
    assert every_ten == [date(2026, 1, 30), date(2026, 2, 9), date(2026, 2, 19), date(2026, 3, 1)]


def test_overdue_needs_a_day_of_grace_and_a_record():
    weekly = [rhythm("weekly", date(2026, 3, 1), weekday=0)]  # Mondays 18:00
    monday = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
    agreed = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert schedule.overdue(weekly, LONDON, agreed, monday + timedelta(hours=23), set()) == []
    late = monday + timedelta(days=1, minutes=1)
    assert schedule.overdue(weekly, LONDON, agreed, late, set()) == [date(2026, 3, 2)]
    assert schedule.overdue(weekly, LONDON, agreed, late, {date(2026, 3, 2)}) == []


def test_a_schedule_turns_a_tick_after_each_moment_it_compares_and_at_midnight():
    weekly = [rhythm("weekly", date(2026, 3, 1), weekday=0)]  # Mondays 18:00 London (UTC)
    agreed = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    tick = schedule.TICK

    def turns(now, covered=frozenset()):
        coming = schedule.upcoming(weekly, LONDON, now, 1)
        since = schedule.since(weekly, LONDON, agreed, now)
        return schedule.turns(LONDON, now, coming, [s for s in since if s[0] not in covered])

    monday = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
    assert turns(monday - timedelta(hours=6)) == monday + tick
    assert turns(monday) == monday + tick  # still "next" at its minute
    assert turns(monday + tick) == datetime(2026, 3, 3, tzinfo=UTC)  # then a new day
    tuesday = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
    assert turns(tuesday) == monday + timedelta(days=1) + tick  # overdue after a day's grace
    assert turns(monday + timedelta(days=1)) == monday + timedelta(days=1) + tick
    assert turns(tuesday, {date(2026, 3, 2)}) == datetime(2026, 3, 4, tzinfo=UTC)  # recorded


@pytest.mark.parametrize(
    ("zone", "before", "turned"),
    [
        ("Europe/London", datetime(2026, 3, 2, 9, 0, tzinfo=UTC), "2026-03-03T00:00:00+00:00"),
        ("Asia/Kolkata", datetime(2026, 3, 2, 20, 0, tzinfo=UTC), "2026-03-04T00:00:00+05:30"),
        # Havana skips its midnight in spring: the date turns at 01:00
        ("America/Havana", datetime(2026, 3, 7, 17, 0, tzinfo=UTC), "2026-03-08T01:00:00-04:00"),
        # Santiago goes back from midnight to 23:00: the date turns at the second midnight
        ("America/Santiago", datetime(2026, 4, 4, 12, 0, tzinfo=UTC), "2026-04-05T00:00:00-04:00"),
    ],
)
def test_the_next_midnight_is_when_the_date_in_the_zone_turns(zone, before, turned):
    where = ZoneInfo(zone)
    midnight = clock.next_midnight(where, before)
    assert midnight.astimezone(where).isoformat() == turned
    assert (midnight - schedule.TICK).astimezone(where).date() == before.astimezone(where).date()


def test_a_schedule_starts_with_the_first_check_in_after_both_agreed():
    """Agreed on a Monday at 19:00, the Monday 18:00 check-in of that day was never due."""
    weekly = [rhythm("weekly", date(2026, 3, 1), weekday=0)]  # Mondays 18:00 London
    agreed = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)
    a_week_on = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
    assert [day for day, _ in schedule.since(weekly, LONDON, agreed, a_week_on)] == [
        date(2026, 3, 9)
    ]
    assert schedule.overdue(weekly, LONDON, agreed, a_week_on, set()) == [date(2026, 3, 9)]
    earlier = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    assert [day for day, _ in schedule.since(weekly, LONDON, earlier, a_week_on)] == [
        date(2026, 3, 2),
        date(2026, 3, 9),
    ]


def test_suggested_frequency_follows_age():
    assert [schedule.suggested_frequency(a) for a in (10, 12, 13, 15, 16, 17)] == [
        "weekly",
        "weekly",
        "fortnightly",
        "fortnightly",
        "monthly",
        "monthly",
    ]


# --- through the pages ---------------------------------------------------------------------


def on_a_permit(app, auth: Auth, **where: str) -> dict:
    """A child whose Instagram track is at the permit, a guardian client and a tablet client
    (born May 2012: 13 in March 2026, old enough for Instagram's permit); the family lives
    ``where`` (``signup``'s country and time zone)."""
    auth.signup(**where)
    client = auth.client
    child_id = add_child(client, "Mo", PIN, birth_year=2012)
    pass_all_lessons(app, child_id)
    response = client.submit(
        f"/family/children/{child_id}/tracks/new", data={"platform": "instagram"}
    )
    track_id = int(response.headers["Location"].rsplit("/", 1)[1])
    client.submit(
        f"/family/tracks/{track_id}/sign-off",
        data={"from_stage": "instruction", "override_reason": "ready"},
    )
    tablet = Auth(app.test_client())
    tablet.login()
    tablet.client.submit("/family/devices/", data={"name": "Tablet"})
    tablet.client.submit(f"/who/child/{child_id}", data={"pin": PIN})
    return {"guardian": client, "tablet": tablet.client, "track": track_id, "child": child_id}


@pytest.fixture
def permit(app, auth, client, clock):
    return on_a_permit(app, auth)


def test_walkthrough_saved_step_by_step_and_resumed(app, permit):
    guardian, track = permit["guardian"], permit["track"]
    guide = for_platform("instagram")
    start = guardian.submit(f"/family/tracks/{track}/walkthrough")
    step0 = start.headers["Location"]
    assert step0.endswith("/0")
    page = text(guardian.get(step0))
    assert guide.steps[0].setting in page and escape(guide.steps[0].where) in page
    refused = guardian.submit(step0, data={"outcome": "different"})
    assert refused.status_code == 200 and "Write what you chose instead" in text(refused)
    guardian.submit(step0, data={"outcome": "different", "note": "Public, for the art club"})
    guardian.submit(step0.replace("/0", "/1"), data={"outcome": "not_found"})
    # Interrupted: carrying on goes to the first unanswered step.
    again = guardian.submit(f"/family/tracks/{track}/walkthrough")
    assert again.headers["Location"].endswith("/2")
    for step in range(2, len(guide.steps)):
        guardian.submit(
            again.headers["Location"].rsplit("/", 1)[0] + f"/{step}", data={"outcome": "done"}
        )
    overview = text(guardian.get(f"/family/tracks/{track}/walkthrough"))
    assert "Finished" in overview and "Public, for the art club" in overview
    # Redone later: a second run, both kept.
    guardian.submit(f"/family/tracks/{track}/walkthrough")
    with app.app_context():
        runs = db.session.scalars(sa.select(WalkthroughRun).order_by(WalkthroughRun.id)).all()
        assert len(runs) == 2 and runs[0].finished_at and runs[1].finished_at is None
        assert len(runs[0].answers) == len(guide.steps)
    page = text(guardian.get(f"/family/tracks/{track}"))
    item = re.search(
        r'<li class="([\w-]+)">\s*<span class="mark"><svg class="icon icon-([\w-]+)"[^>]*>'
        r"(?:<path[^>]*> ?)*</svg></span>\s*<span><strong>Privacy walkthrough finished together",
        page,
    )
    assert item and item.groups() == ("met", "check")


def start_run(guardian, track: int) -> str:
    """Start the walkthrough; the address of its steps, without the step number."""
    started = guardian.submit(f"/family/tracks/{track}/walkthrough")
    return started.headers["Location"].rsplit("/", 1)[0]


QUOTED = (
    "Menu names in quotes are as the platform shows them in English; in your language they may"
    " read differently."
)


@pytest.fixture
def spanish_app(app):
    """The app offering English and Spanish, on the same database as ``app``."""
    own = make_app(app.config["DATABASE_URL"], LANGUAGES=("en", "es"))
    yield own
    with own.app_context():
        db.engine.dispose()


def test_a_walkthrough_is_read_in_the_pages_language(permit, spanish_app):
    reader = Auth(spanish_app.test_client())
    reader.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    reader.login()
    track = permit["track"]
    spanish, english = for_platform("instagram", "es"), for_platform("instagram")
    with spanish_app.test_request_context(headers={"Accept-Language": "es"}):
        note = str(escape(gettext(QUOTED)))  # as the catalog has it, once it is translated
    overview = text(reader.client.get(f"/family/tracks/{track}/walkthrough"))
    assert escape(spanish.title) in overview and escape(english.title) not in overview
    assert overview.count(note) == 1
    start = reader.client.submit(f"/family/tracks/{track}/walkthrough")
    step = text(reader.client.get(start.headers["Location"]))
    first = spanish.steps[0]
    assert escape(first.setting) in step and escape(first.where) in step
    assert escape(first.why) in step and escape(english.steps[0].why) not in step
    assert step.count(note) == 1
    run = start.headers["Location"].rsplit("/", 1)[0]
    for i in range(len(spanish.steps)):  # finish the run: the agreement names the steps
        reader.client.submit(f"{run}/{i}", data={"outcome": "done"})
    track_page = text(reader.client.get(f"/family/tracks/{track}"))
    assert escape(spanish.title) in track_page
    agreement = text(reader.client.get(f"/family/tracks/{track}/agreement"))
    assert escape(spanish.steps[1].setting) in agreement
    assert escape(english.steps[1].setting) not in agreement
    # The same pages in English: the English walkthrough, and no word about quoted names.
    guardian = permit["guardian"]
    english_step = text(guardian.get(start.headers["Location"]))
    assert (
        escape(english.steps[0].where) in english_step and escape(first.where) not in english_step
    )
    assert QUOTED not in english_step
    assert escape(english.steps[1].setting) in text(
        guardian.get(f"/family/tracks/{track}/agreement")
    )


def test_a_step_checked_over_90_days_ago_may_have_changed(permit, clock, monkeypatch):
    """Only the step checked more than 90 days ago is flagged: in the list of steps, on the step
    itself and on the track page; the other steps are not."""
    guardian, track = permit["guardian"], permit["track"]
    guide = for_platform("instagram")
    old = replace(guide.steps[1], checked=guide.steps[1].checked - timedelta(days=30))
    monkeypatch.setitem(
        WALKTHROUGHS, "instagram", replace(guide, steps=(guide.steps[0], old, *guide.steps[2:]))
    )
    run = start_run(guardian, track)
    assert "may have changed" not in text(guardian.get(f"/family/tracks/{track}/walkthrough"))
    assert "may have changed" not in text(guardian.get(f"/family/tracks/{track}"))

    clock.current = datetime.combine(old.checked + timedelta(days=91), datetime.min.time(), UTC)
    guardian.submit("/login")  # keep the session alive across the jump
    Auth(guardian).login()
    overview = text(guardian.get(f"/family/tracks/{track}/walkthrough"))
    assert f"1 of the {len(guide.steps)} steps may have changed since we checked them" in overview
    assert overview.count("May have changed: check in the app.") == 1
    flagged = overview.index("May have changed: check in the app.")
    before = overview[:flagged]
    assert before.rindex(old.setting) > before.rindex(guide.steps[0].setting)  # on the right step
    assert "May have changed: check in the app." in text(guardian.get(f"{run}/1"))
    assert "May have changed" not in text(guardian.get(f"{run}/0"))
    track_page = text(guardian.get(f"/family/tracks/{track}"))
    assert f"Some steps may have changed: check in the app ({old.setting})." in track_page


def test_each_step_shows_its_source_and_when_it_was_checked(permit):
    """The source is a link labelled with the site's name, marked when it is a secondary one."""
    guardian, track = permit["guardian"], permit["track"]
    guide = for_platform("instagram")
    overview = text(guardian.get(f"/family/tracks/{track}/walkthrough"))
    run = start_run(guardian, track)
    for i, step in enumerate(guide.steps):
        link = f'<a href="{escape(step.source)}" rel="external noopener noreferrer">{step.site}</a>'
        label = link + (" (secondary source)" if not step.official else "")
        checked = f", checked {step.checked.day} {step.checked.strftime('%B %Y')}."
        assert label + checked in overview
        assert label + checked in text(guardian.get(f"{run}/{i}"))
    assert overview.count("(secondary source)") == sum(not s.official for s in guide.steps) > 0


def test_every_platform_has_a_walkthrough_and_any_other_gets_the_general_one():
    for key in (
        "instagram", "tiktok", "snapchat", "youtube", "discord", "whatsapp",
        "roblox", "minecraft", "fortnite",
    ):  # fmt: skip
        assert key in WALKTHROUGHS and all(step.source for step in WALKTHROUGHS[key].steps)
    assert for_platform("bereal").key == "general"


@pytest.mark.parametrize(
    ("platform", "title", "first_setting"),
    [
        ("minecraft", "Minecraft privacy walkthrough", "Child account in your Microsoft family"),
        ("fortnite", "Fortnite privacy walkthrough", "Parental consent for a cabined account"),
        ("roblox", "Roblox privacy walkthrough", "Parent account linked"),
    ],
)
def test_a_game_track_offers_its_own_walkthrough(app, auth, client, platform, title, first_setting):
    auth.signup()
    child_id = add_child(client, "Mo", PIN, birth_year=2016)  # 9: no minimum age for games
    offered = text(client.get(f"/family/children/{child_id}/tracks/new"))
    assert f'value="{platform}"' in offered
    added = client.submit(f"/family/children/{child_id}/tracks/new", data={"platform": platform})
    track_id = int(added.headers["Location"].rsplit("/", 1)[1])
    track_page = " ".join(text(client.get(f"/family/tracks/{track_id}")).split())
    assert "No minimum age" in track_page and "The minimum age for" not in track_page
    client.submit(
        f"/family/tracks/{track_id}/sign-off",
        data={"from_stage": "instruction", "override_reason": "ready"},
    )
    page = text(client.get(f"/family/tracks/{track_id}/walkthrough"))
    assert f"<h1>{title}</h1>" in page and "Instagram" not in page
    start = client.submit(f"/family/tracks/{track_id}/walkthrough")
    assert start.status_code == 302
    assert first_setting in text(client.get(start.headers["Location"]))


def test_no_social_media_password_anywhere(app, permit):
    """Security target 18: no model column or form field for a child's or social password."""
    for table in metadata.sorted_tables:
        for column in table.columns:
            if "password" in column.name or "credential" in column.name:
                assert (table.name, column.name) in {
                    ("guardian", "password_hash"),
                    ("guardian", "password_changed_at"),
                    ("login_session", "password_verified_at"),
                }
    guardian_password_forms = {
        "SignupForm",
        "JoinFamilyForm",
        "LoginForm",
        "PasswordChangeForm",
        "ResetPasswordForm",
        "PasswordUnlockForm",
    }

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    with app.test_request_context():
        for form_class in subclasses(FlaskForm):
            names = {field.name for field in form_class(meta={"csrf": False})}
            if form_class.__name__ not in guardian_password_forms:
                assert not any("password" in n for n in names), form_class.__name__
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    pages = [
        f"/family/tracks/{track}",
        f"/family/tracks/{track}/monitoring",
        f"/family/tracks/{track}/schedule",
        f"/family/tracks/{track}/moments/new",
        f"/family/tracks/{track}/walkthrough",
    ]
    for page in pages:
        html = text(guardian.get(page))
        assert not re.search(r'name="(?!reauth_password)[^"]*password', html), page
    assert "never asks for or stores a social-media password" in text(
        guardian.get(f"/family/tracks/{track}/monitoring")
    )
    child_page = text(tablet.get(f"/me/tracks/{track}"))
    assert not re.search(r'name="[^"]*password', child_page)


def agree_schedule(permit, **overrides):
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    data = weekly_schedule(date(2026, 3, 9), **overrides)
    response = guardian.submit(f"/family/tracks/{track}/schedule", data=data)
    assert response.status_code == 302, text(response)
    return tap_i_agree(tablet, track)


def move_to(permit, clock, moment):
    """The clock jumps to ``moment``; the guardian signs in again and the child unlocks again."""
    clock.current = moment
    Auth(permit["guardian"]).login()
    permit["tablet"].submit("/logout")
    permit["tablet"].submit(f"/who/child/{permit['child']}", data={"pin": PIN})


SIGN = "Your guardians can look at your"  # the sign on every page of a watched child
MONDAY_EVENING = datetime(2026, 3, 9, 19, 0, tzinfo=UTC)  # the first check-in was due at 18:00


def test_schedule_needs_both_agreements_and_arrangement_shows_to_child(app, clock, permit):
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    assert SIGN not in text(tablet.get("/me/"))
    guardian.submit(f"/family/tracks/{track}/monitoring", data={"arrangement": "show_on_request"})
    assert SIGN not in text(tablet.get("/me/"))  # until the child agrees
    assert tap_i_agree(tablet, track, "agree-arrangement").status_code == 302
    for page in ("/me/", "/me/lessons/", f"/me/tracks/{track}"):
        sign = text(tablet.get(page))
        assert SIGN in sign
        assert "you open the account to show your guardians" in sign
    with app.app_context():  # a 12-year-old now (the permit itself is refused under 13)
        db.session.get_one(Child, permit["child"]).birth_year = 2013
        db.session.commit()
    suggested = text(guardian.get(f"/family/tracks/{track}/schedule"))
    assert "we suggest <strong>weekly</strong>" in suggested  # Mo turns 13 in May 2026
    response = guardian.submit(
        f"/family/tracks/{track}/schedule",
        data={**FADE_PLAN, "fade2_on": "2026-04-01"},
    )
    assert "must come after the one before" in text(response)
    guardian.submit(
        f"/family/tracks/{track}/schedule",
        data=FADE_PLAN,
    )
    child_page = text(tablet.get(f"/me/tracks/{track}"))
    assert "waiting for your “I agree”" in child_page and "I agree</button>" in child_page
    assert "No schedule agreed yet" in child_page
    tap_i_agree(tablet, track)
    child_page = text(tablet.get(f"/me/tracks/{track}"))
    assert "Agreed:" in child_page and "Mondays at 18:00" in child_page
    assert "then from 1 May 2026" in child_page and "then from 1 July 2026" in child_page
    clock.current = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)  # the plan's first step is on 1 May
    Auth(guardian).login()
    notice = "As agreed in your plan, since 1 May check-ins are: Every two weeks"
    assert notice in text(guardian.get(f"/family/tracks/{track}"))
    tablet.submit("/logout")
    tablet.submit(f"/who/child/{permit['child']}", data={"pin": PIN})
    assert notice in text(tablet.get(f"/me/tracks/{track}"))
    with app.app_context():
        versions = db.session.scalars(sa.select(CheckInSchedule)).all()
        assert len(versions) == 3
        assert all(v.guardian_agreed_at and v.child_agreed_at for v in versions)


def test_relaxing_keeps_every_version(app, permit):
    agree_schedule(permit)
    agree_schedule(permit, frequency="monthly", starts_on="2026-04-01")
    with app.app_context():
        versions = db.session.scalars(sa.select(CheckInSchedule).order_by(CheckInSchedule.id)).all()
        assert [(v.frequency, v.ended_at is None) for v in versions] == [
            ("weekly", False),
            ("monthly", True),
        ]


def test_overdue_checkins_and_recording_one(app, clock, permit):
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    agree_schedule(permit)  # Mondays 18:00 from 9 March
    clock.current = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
    Auth(guardian).login()
    tablet.submit("/logout")
    tablet.submit(f"/who/child/{permit['child']}", data={"pin": PIN})
    assert "Overdue: 9 March" in text(guardian.get(f"/family/tracks/{track}"))
    assert "Overdue: 9 March" in text(tablet.get(f"/me/tracks/{track}"))
    form = text(guardian.get(f"/family/tracks/{track}/checkins/new"))
    assert "Monday 9 March (overdue)" in form
    response = guardian.submit(
        f"/family/tracks/{track}/checkins/new",
        data={
            "due_on": "2026-03-09",
            "held": "held",
            "shared_notes": "Talked about followers.",
            "private_notes": "Seemed tired.",
        },
    )
    assert response.status_code == 302
    page = text(guardian.get(f"/family/tracks/{track}"))
    assert "Overdue" not in page and "Talked about followers." in page and "Seemed tired" in page
    child_page = text(tablet.get(f"/me/tracks/{track}"))
    assert "Talked about followers." in child_page and "Seemed tired" not in child_page
    assert "also wrote a note for themselves" in child_page


def test_learning_moment_reflection_and_agenda(app, clock, permit):
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    agree_schedule(permit)
    guardian.submit(
        f"/family/tracks/{track}/moments/new",
        data={
            "kind": "accepted_stranger",
            "what_happened": "Accepted a follow from a stranger.",
            "lesson": "06-strangers",
        },
    )
    page = text(tablet.get(f"/me/tracks/{track}"))
    assert "Accepted a follow from a stranger." in page and "On the agenda" in page
    assert "/me/lessons/06-strangers" in page
    empty = tablet.submit(f"/me/tracks/{track}").status_code  # GET-only page
    assert empty == 405
    moment_id = re.search(r"/me/moments/(\d+)/reflect", page).group(1)
    assert (
        tablet.submit(f"/me/moments/{moment_id}/reflect", data={"reflection": ""}).status_code
        == 400
    )
    tablet.submit(
        f"/me/moments/{moment_id}/reflect",
        data={"reflection": "I didn't know them. Next time I'll check first."},
    )
    move_to(permit, clock, MONDAY_EVENING)
    agenda = text(guardian.get(f"/family/tracks/{track}/checkins/new"))
    assert "Accepted a follow from a stranger." in agenda
    guardian.submit(
        f"/family/tracks/{track}/checkins/new",
        data={"due_on": "2026-03-09", "held": "held", "moments": moment_id},
    )
    page = text(tablet.get(f"/me/tracks/{track}"))
    assert "Talked through at a check-in." in page and "Next time I&#39;ll check first." in page


def test_calendar_feed_parses_and_revoked_link_is_404(app, permit):
    guardian = permit["guardian"]
    agree_schedule(permit)
    page = text(guardian.submit("/family/calendar"))
    path = re.search(r'value="https?://[^/]+(/calendar/[^"]+\.ics)"', page).group(1)
    response = app.test_client().get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert len(events) == 3 and "Check-in: Mo · Instagram" in str(events[0]["SUMMARY"])
    assert events[0].decoded("DTSTART") == datetime(2026, 3, 9, 18, 0, tzinfo=UTC)
    for event in events:  # each check-in comes with a reminder half an hour before
        (alarm,) = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY" and "Check-in: Mo" in str(alarm["DESCRIPTION"])
        assert alarm.decoded("TRIGGER") == -timedelta(minutes=30)
    guardian.submit("/family/calendar")  # a new link revokes the old one
    assert app.test_client().get(path).status_code == 404
    page = text(guardian.submit("/family/calendar"))
    newest = re.search(r'value="https?://[^/]+(/calendar/[^"]+\.ics)"', page).group(1)
    guardian.submit("/family/calendar/revoke")
    assert app.test_client().get(newest).status_code == 404


def test_names_are_one_line_and_the_calendar_survives_any_that_are_not(app, permit):
    """A crafted form could send a line break in a name: it is saved as a space, and a name
    saved with one before still gives a calendar that parses."""
    from supervisor.models import Family

    guardian = permit["guardian"]
    agree_schedule(permit)
    other = Auth(app.test_client())
    other.client.submit(
        "/signup",
        data={"name": "Ann\r\nB", "family_name": "Fam\nX", "email": "ann@example.org",
              "password": PASSWORD, "confirm": PASSWORD, **UK},
    )  # fmt: skip
    with app.app_context():
        names = set(db.session.scalars(sa.select(Family.name)))
        assert "Fam X" in names
        db.session.execute(sa.update(Family).where(Family.name != "Fam X").values(name="A\nB"))
        db.session.commit()
    page = text(guardian.submit("/family/calendar"))
    path = re.search(r'value="https?://[^/]+(/calendar/[^"]+\.ics)"', page).group(1)
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert icalendar.Calendar.from_ical(response.data)["X-WR-CALNAME"] == "A B: check-ins"


def test_leaving_the_permit_needs_walkthrough_checkins_and_handover(app, clock, permit):
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    guardian.submit(f"/family/tracks/{track}/walkthrough")
    guide = for_platform("instagram")
    with app.app_context():
        run_id = db.session.scalars(sa.select(WalkthroughRun.id)).one()
    for step in range(len(guide.steps)):
        guardian.submit(
            f"/family/tracks/{track}/walkthrough/{run_id}/{step}", data={"outcome": "done"}
        )
    agree_schedule(permit)
    guardian.submit(
        f"/family/tracks/{track}/checklist", data={"item": "password_handover", "ticked": "y"}
    )
    monday = date(2026, 3, 9)
    for week in range(9):
        due = monday + timedelta(weeks=week)
        clock.current = datetime.combine(due, datetime.min.time(), UTC) + timedelta(hours=19)
        Auth(guardian).login()
        guardian.submit(
            f"/family/tracks/{track}/checkins/new", data={"due_on": due.isoformat(), "held": "held"}
        )
    tablet.submit("/logout")
    tablet.submit(f"/who/child/{permit['child']}", data={"pin": PIN})
    page = text(tablet.get(f"/me/tracks/{track}"))
    assert "4 of 4 done" in page, page
    assert (
        tablet.submit(
            f"/me/tracks/{track}/request", data={"note": "Nine check-ins and no surprises."}
        ).status_code
        == 302
    )
    # A family that asks for more check-ins makes it "not yet" again.
    guardian.submit(
        "/family/settings",
        data={"country": "GB", "timezone": "Europe/London", "permit_min_checkins": "12"},
    )
    assert "3 more check-ins" in text(tablet.get(f"/me/tracks/{track}"))
    bad = guardian.submit(
        "/family/settings",
        data={"country": "GB", "timezone": "Europe/London", "permit_min_checkins": "2"},
    )
    assert "Choose 6 to 52 check-ins" in text(bad)


def test_another_family_cannot_reach_permit_pages(app, permit):
    outsider = Auth(app.test_client())
    outsider.signup(email="eve@example.org", name="Eve", family="Outsiders")
    for page in ("walkthrough", "monitoring", "schedule", "checkins/new", "moments/new"):
        assert outsider.client.get(f"/family/tracks/{permit['track']}/{page}").status_code == 404
    with app.app_context():
        assert db.session.get(Track, permit["track"]).monitoring is None


def words(page: str) -> str:
    """The page's visible words, tags taken out."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_licence_ends_monitoring_and_schedule_and_step_back_needs_a_new_one(app, clock, permit):
    """Issue 7: the licence ends monitoring and the schedule; both stay in the records."""
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    guardian.submit(f"/family/tracks/{track}/monitoring", data={"arrangement": "follow"})
    agree_schedule(permit)
    move_to(permit, clock, MONDAY_EVENING)
    recorded = guardian.submit(
        f"/family/tracks/{track}/checkins/new", data={"due_on": "2026-03-09", "held": "held"}
    )
    assert recorded.status_code == 302, text(recorded)
    response = guardian.submit(
        f"/family/tracks/{track}/sign-off",
        data={"from_stage": "permit", "override_reason": "Ready early."},
    )
    assert response.status_code == 302
    assert SIGN not in text(tablet.get("/me/"))
    with app.app_context():  # the arrangement stays as the record of what the licence ended
        assert db.session.get(Track, track).monitoring == "follow"
        versions = db.session.scalars(sa.select(CheckInSchedule)).all()
        assert versions and all(v.ended_at is not None for v in versions)
    page = " ".join(text(guardian.get(f"/family/tracks/{track}")).split())
    assert "Monitoring has ended" in page and "Check-ins ended with the licence" in page
    assert "9 March 2026 Held" in words(page)  # the past check-in is kept, read-only
    assert "Agreed during the permit" not in page  # the ended versions are not "agreed" now
    for offer in (
        "the arrangement", "No schedule agreed yet", "the schedule</a>", "Record a check-in",
        "Go through it together", "Correct this check-in", "Your promises against hovering",
    ):  # fmt: skip
        assert offer not in page, offer
    own = " ".join(text(tablet.get(f"/me/tracks/{track}")).split())
    assert "9 March 2026 Held" in words(own) and "I agree</button>" not in own
    with app.app_context():
        checkin = db.session.scalars(sa.select(CheckIn)).one()
    corrected = guardian.submit(  # nor by a crafted POST: the permit's records are closed
        f"/family/tracks/{track}/checkins/{checkin.id}/correct",
        data={"held": "skipped", "reason": "late", "version": str(checkin.version)},
    )
    assert corrected.status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1
    guardian.submit(
        f"/family/tracks/{track}/step-back",
        data={"from_stage": "licence", "reason": "Shared our address."},
    )
    page = text(guardian.get(f"/family/tracks/{track}"))
    assert "No schedule agreed yet" in page and "Not agreed yet." in page
    assert "Agree the schedule" in page


def test_printable_agreement_records_who_agreed_when(app, clock, permit):
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    guardian.submit(f"/family/tracks/{track}/monitoring", data={"arrangement": "password_known"})
    guardian.submit(
        f"/family/tracks/{track}/checklist", data={"item": "password_handover", "ticked": "y"}
    )
    clock.advance(minutes=3)
    agree_schedule(permit)
    page = text(tablet.get(f"/me/tracks/{track}"))
    assert "Waiting for your “I agree”" in page and "Mo&#39;s" not in page and "Mo's" not in page
    assert tap_i_agree(tablet, track, "agree-arrangement").status_code == 302
    sheet = " ".join(text(guardian.get(f"/family/tracks/{track}/agreement")).split())
    assert "Our family agreement: Mo on Instagram" in sheet
    assert "The guardian knows the password and may log in to look" in sheet
    assert "Chosen by Ada 2 Mar 2026, 09:00; agreed by Mo 2 Mar 2026, 09:03" in sheet
    assert "Mondays at 18:00" in sheet and "Password handover" in sheet
    assert "We will never post, comment or like on your account." in sheet
    child_sheet = " ".join(text(tablet.get(f"/me/tracks/{track}/agreement")).split())
    assert "agreed by Mo 2 Mar 2026, 09:03" in child_sheet
    assert "Password handover: the child has set a password of their own" in sheet
    assert "Ada: ______" in sheet and "Mo: ______" in sheet  # a line for each who signs
    assert "Password handover: you have set a password of your own" in child_sheet
    home = " ".join(text(tablet.get("/me/")).split())
    assert "Password handover: you have set a password of your own" in home
    assert "the child has set" not in home
    with app.test_client().get("/static/style.css") as response:
        css = response.get_data(as_text=True)
    assert "@media print" in css and "@page" in css
    # Choosing another arrangement needs the child's agreement again.
    guardian.submit(f"/family/tracks/{track}/monitoring", data={"arrangement": "follow"})
    assert "not yet agreed by Mo" in text(guardian.get(f"/family/tracks/{track}/agreement"))


# --- dates a plan may name ----------------------------------------------------------------


def test_schedule_maths_never_runs_off_the_calendar():
    """A version starting at the calendar's end has no check-ins yet, whatever its rhythm."""
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    today = now.date()
    for start in (date.max, date(9999, 12, 31) - timedelta(days=3)):
        for frequency in ("weekly", "fortnightly", "monthly", "days"):
            for weekday in range(7):
                plan = [rhythm(frequency, start, weekday=weekday, every=60)]
                assert schedule.occurrences(plan, LONDON, today, today + timedelta(400)) == []
                assert schedule.upcoming(plan, LONDON, now) == []
    edge = [rhythm("monthly", today + timedelta(days=365), weekday=6)]
    assert days(schedule.upcoming(edge, ZoneInfo("Pacific/Kiritimati"), now, 1)) == [
        date(2027, 3, 7)
    ]


def propose(permit, **fields):
    data = weekly_schedule(date(2026, 3, 9), **fields)
    return permit["guardian"].submit(f"/family/tracks/{permit['track']}/schedule", data=data)


OUT_OF_WINDOW = [
    {"starts_on": "9999-12-31", "weekday": "0"},
    {"starts_on": "2027-03-03"},
    {"starts_on": "2025-03-01"},
    {"fade1_on": "9999-12-31", "fade1_frequency": "fortnightly"},
    {
        "fade1_on": "2026-06-01",
        "fade1_frequency": "fortnightly",
        "fade2_on": "2027-03-03",
        "fade2_frequency": "monthly",
    },
]


def test_schedule_dates_stay_within_a_year_of_today(permit):
    """Today is 2 March 2026 in the family's zone: a plan names dates a year either side."""
    guardian, track = permit["guardian"], permit["track"]
    for fields in OUT_OF_WINDOW:
        response = propose(permit, **fields)
        assert response.status_code == 200, fields
        page = text(response)
        assert "Choose a date from 2 March 2025 to 2 March 2027." in page
        for value in fields.values():
            assert f'value="{value}"' in page, (fields, value)
    for page in ("/family/", f"/family/tracks/{track}", f"/family/tracks/{track}/schedule"):
        assert guardian.get(page).status_code == 200
    assert propose(permit, starts_on="2025-03-02").status_code == 302
    edges = {"fade1_on": "2026-06-01", "fade1_frequency": "fortnightly"}
    edges |= {"fade2_on": "2027-03-02", "fade2_frequency": "monthly"}
    assert propose(permit, **edges).status_code == 302
    tap_i_agree(permit["tablet"], track)
    page = text(guardian.get(f"/family/tracks/{track}"))
    assert "Next: 9 Mar 2026, 18:00, 16 Mar 2026, 18:00, 23 Mar 2026, 18:00" in page


def test_schedule_window_follows_the_family_time_zone(app, clock, permit):
    """At 11:00 UTC it is already 3 March on Kiritimati (UTC+14), so the window moves too."""
    with app.app_context():
        db.session.execute(sa.update(Family).values(timezone="Pacific/Kiritimati"))
        db.session.commit()
    clock.advance(hours=2)
    Auth(permit["guardian"]).login()
    assert propose(permit, starts_on="2027-03-03").status_code == 302
    assert "to 3 March 2027." in text(propose(permit, starts_on="2027-03-04"))


def test_a_plan_saved_far_ahead_before_the_window_keeps_pages_working(app, permit):
    """Plans saved before dates were checked may reach the calendar's end: pages still load."""
    agree_schedule(permit)
    with app.app_context():
        db.session.execute(
            sa.update(CheckInSchedule).values(effective_from=date(9999, 12, 31), weekday=0)
        )
        db.session.commit()
    guardian, track = permit["guardian"], permit["track"]
    for page in ("/family/", f"/family/tracks/{track}", f"/family/tracks/{track}/checkins/new"):
        assert guardian.get(page).status_code == 200, page
    assert permit["tablet"].get(f"/me/tracks/{track}").status_code == 200
    response = guardian.submit(
        f"/family/tracks/{track}/step-back", data={"from_stage": "permit", "reason": "a pause"}
    )
    assert response.status_code == 302


def test_schedule_time_must_be_exactly_hours_and_minutes(app, permit):
    """``$`` let a trailing newline through, too long for the five characters stored."""
    wide = "\uff11\uff18:\uff10\uff10"  # 18:00 in full-width digits
    for typed in ("18:00\n", "18:00\r\n", "18:00 ", wide, "1800", "24:00", "18:00:00"):
        response = propose(permit, at_time=typed)
        assert response.status_code == 200, repr(typed)
        assert "Use a time like 18:30." in text(response), repr(typed)
    with app.app_context():
        assert db.session.scalars(sa.select(CheckInSchedule)).all() == []
    assert propose(permit, at_time="07:45").status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(CheckInSchedule.at_time)).all() == ["07:45"]


# --- the walkthrough belongs to the permit ---------------------------------------------------


def finish_walkthrough(app, guardian, track):
    """Go through every step of a new run, as the guardian and child would together."""
    start = guardian.submit(f"/family/tracks/{track}/walkthrough")
    assert start.status_code == 302, text(start)
    with app.app_context():
        run_id = db.session.scalars(sa.select(sa.func.max(WalkthroughRun.id))).one()
    for step in range(len(for_platform("instagram").steps)):
        guardian.submit(
            f"/family/tracks/{track}/walkthrough/{run_id}/{step}", data={"outcome": "done"}
        )
    return run_id


def walkthroughs_counted(app, track):
    with app.app_context():
        row = db.session.get_one(Track, track)
        return facts.snapshots(db.session, [row])[track].facts.walkthroughs_finished


def test_the_walkthrough_waits_for_the_permit(app, auth, client, clock):
    auth.signup()
    child_id = add_child(client, "Mo", PIN, birth_year=2012)
    added = client.submit(f"/family/children/{child_id}/tracks/new", data={"platform": "instagram"})
    track = int(added.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/family/tracks/{track}/walkthrough")
    assert page.status_code == 409
    assert (
        "The privacy walkthrough opens once Mo's Instagram is in the learner's permit: "
        "the account is made together first." in text(page).replace("&#39;", "'")
    )
    before = snapshot(app)
    assert client.submit(f"/family/tracks/{track}/walkthrough").status_code == 409
    with app.app_context():  # a run kept from before (an earlier permit) cannot be answered now
        db.session.add(
            WalkthroughRun(
                family_id=db.session.get_one(Track, track).family_id,
                track_id=track,
                walkthrough=for_platform("instagram").key,
            )
        )
        db.session.commit()
        run_id = db.session.scalars(sa.select(WalkthroughRun.id)).one()
    before = snapshot(app)
    step = f"/family/tracks/{track}/walkthrough/{run_id}/0"
    assert client.get(step).status_code == 409
    assert client.submit(step, data={"outcome": "done"}).status_code == 409
    assert snapshot(app) == before


def test_only_a_walkthrough_of_this_permit_counts(app, clock, permit):
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    assert walkthroughs_counted(app, track) == 0
    finish_walkthrough(app, guardian, track)
    assert walkthroughs_counted(app, track) == 1
    assert "Finished 1 time," in text(guardian.get(f"/family/tracks/{track}"))
    assert "not finished yet" not in text(tablet.get(f"/me/tracks/{track}"))
    # Back to instruction and forward again: the new permit needs its own walkthrough.
    move_to(permit, clock, clock.current + timedelta(days=1))
    back = guardian.submit(
        f"/family/tracks/{track}/step-back",
        data={"from_stage": "permit", "reason": "Not yet.", "reauth_password": PASSWORD},
    )
    assert back.status_code == 302, text(back)
    move_to(permit, clock, clock.current + timedelta(days=1))
    guardian.submit(
        f"/family/tracks/{track}/sign-off",
        data={"from_stage": "instruction", "override_reason": "ready"},
    )
    with app.app_context():
        assert db.session.get_one(Track, track).stage == "permit"
    assert walkthroughs_counted(app, track) == 0
    assert "not finished yet" in text(tablet.get(f"/me/tracks/{track}"))
    assert "Not finished yet." in text(guardian.get(f"/family/tracks/{track}"))
    finish_walkthrough(app, guardian, track)
    assert walkthroughs_counted(app, track) == 1


def test_a_learning_moment_goes_on_the_agenda_once_a_schedule_is_agreed(app, clock, permit):
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    new = f"/family/tracks/{track}/moments/new"
    moment = {"kind": "too_long", "what_happened": "Scrolled until midnight.", "lesson": ""}
    later = "It goes on the agenda once a check-in schedule is agreed."
    assert "it goes on the agenda once a check-in schedule is agreed" in text(guardian.get(new))
    logged = guardian.submit(new, data=moment, follow_redirects=True)
    assert later in text(logged) and "next check-in" not in text(logged)
    assert later in text(tablet.get(f"/me/tracks/{track}"))
    agree_schedule(permit)
    assert "at the next check-in" in text(guardian.get(new))
    logged = guardian.submit(new, data=moment, follow_redirects=True)
    assert "It will be on the next check-in's agenda." in text(logged).replace("&#39;", "'")
    page = text(tablet.get(f"/me/tracks/{track}"))
    assert "On the agenda for the next check-in." in page and later not in page


def test_the_schedule_page_says_a_new_schedule_once_one_is_in_force(app, clock, permit):
    guardian, track = permit["guardian"], permit["track"]
    first = words(text(guardian.get(f"/family/tracks/{track}/schedule")))
    assert "The schedule starts once Mo taps “I agree” on their profile." in first
    assert "In force now" not in first
    agree_schedule(permit)
    again = words(text(guardian.get(f"/family/tracks/{track}/schedule")))
    assert "In force now: " in again and "The schedule starts" not in again
    assert "A new schedule starts once Mo taps “I agree” on their profile." in again


def test_a_choice_and_a_schedule_name_the_guardian_who_made_them(app, clock, permit):
    """With one guardian or several, each page names whoever chose the way of looking in and
    whoever proposed the schedule, never "a guardian"."""
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    guardian.submit(f"/family/tracks/{track}/monitoring", data={"arrangement": "follow"})
    for page in (
        words(text(guardian.get(f"/family/tracks/{track}"))),
        words(text(tablet.get(f"/me/tracks/{track}"))),
    ):
        assert "Chosen by Ada 2 Mar 2026, 09:00." in page
    clock.advance(minutes=5)
    grace = join(app, guardian, "Grace", "grace@example.org")
    clock.advance(minutes=5)
    grace.submit(f"/family/tracks/{track}/monitoring", data={"arrangement": "password_known"})
    data = weekly_schedule(date(2026, 3, 9))
    assert grace.submit(f"/family/tracks/{track}/schedule", data=data).status_code == 302
    tap_i_agree(tablet, track)
    for page in (
        words(text(guardian.get(f"/family/tracks/{track}"))),
        words(text(grace.get(f"/family/tracks/{track}"))),
        words(text(tablet.get(f"/me/tracks/{track}"))),
    ):
        assert "Chosen by Grace 2 Mar 2026, 09:10." in page and "by a guardian" not in page
    agreement = words(text(guardian.get(f"/family/tracks/{track}/agreement")))
    assert "Chosen by Grace 2 Mar 2026, 09:10;" in agreement
    assert "Agreed by Grace 2 Mar 2026, 09:10 and by Mo" in agreement


def test_guardian_and_child_pages_name_the_same_first_step_while_both_agreements_wait(permit):
    """Both the way of looking in and a schedule wait for the child's "I agree": every page
    names the way of looking in first; once agreed, every page names the schedule."""
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    guardian.submit(f"/family/tracks/{track}/monitoring", data={"arrangement": "follow"})
    data = weekly_schedule(date(2026, 3, 9))
    assert guardian.submit(f"/family/tracks/{track}/schedule", data=data).status_code == 302
    pages = ("/family/", f"/family/tracks/{track}")
    for page in (words(text(guardian.get(url))) for url in pages):
        assert "Next for Mo, on the tablet: “I agree” to how a guardian looks in" in page
    home = words(text(tablet.get("/me/")))
    assert "Your next step: Agree to how your guardians look in" in home
    assert "Your next step: Agree a check-in schedule" not in home
    assert tap_i_agree(tablet, track, "agree-arrangement").status_code == 302
    for page in (words(text(guardian.get(url))) for url in pages):
        assert "Next for Mo, on the tablet: “I agree” to the check-in schedule" in page
    home = words(text(tablet.get("/me/")))
    assert "Your next step: Agree a check-in schedule (say “I agree” to the proposed" in home
    assert tap_i_agree(tablet, track).status_code == 302
    home = words(text(tablet.get("/me/")))
    assert "Agree a check-in schedule" not in home and "Agree to how" not in home
