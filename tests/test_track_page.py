"""The guardian's track page says each thing once, and every sentence on it is true: the one
next step leads with what is missing, a check-in whose hour has passed is listed, a span too
short says how many were held, and the schedule's suggestion fits the child's age."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from supervisor.content.walkthroughs import for_platform
from supervisor.extensions import db
from supervisor.models import WalkthroughRun
from tests.conftest import Auth, tap_i_agree, text
from tests.test_age_gate import add_track, section
from tests.test_permit import PIN, agree_schedule, move_to, permit  # noqa: F401  (fixture)
from tests.test_tracks import start_family


def words(page: str) -> str:
    """The page's visible words, tags taken out."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).replace("&#39;", "'").split())


def ready_permit(app, permit) -> None:  # noqa: F811
    """Monitoring agreed by both, the walkthrough finished and Monday check-ins agreed."""
    guardian, tablet, track = permit["guardian"], permit["tablet"], permit["track"]
    guardian.submit(f"/family/tracks/{track}/monitoring", data={"arrangement": "follow"})
    assert tap_i_agree(tablet, track, "agree-arrangement").status_code == 302
    guardian.submit(f"/family/tracks/{track}/walkthrough")
    with app.app_context():
        run_id = db.session.scalars(sa.select(WalkthroughRun.id)).one()
    for step in range(len(for_platform("instagram").steps)):
        guardian.submit(
            f"/family/tracks/{track}/walkthrough/{run_id}/{step}", data={"outcome": "done"}
        )
    assert agree_schedule(permit).status_code == 302  # Mondays 18:00 from 9 March


def test_the_missing_list_is_said_once_with_the_age_first_and_counted(app, clock):
    family = start_family(app, birth_year=2015)  # 10: too young for YouTube in the UK
    track = add_track(family.guardian, family.child_id, "youtube")
    page = words(text(family.guardian.get(f"/family/tracks/{track}")))
    step = words(section(text(family.guardian.get(f"/family/tracks/{track}")), "next-heading"))
    assert "Still missing, in order: Old enough for YouTube: Mo is certainly 13 from June 2028" in (
        step
    )
    assert step.index("Old enough for YouTube") < step.index("checklist items to tick")
    assert page.count("Still missing") == 1 and page.count("checklist items to tick") == 1
    assert page.count("Mo is certainly 13 from June 2028") == 1
    assert page.count("minimum age for YouTube in the United Kingdom is 13; Mo is 10") == 1
    assert "Old enough for YouTube: 13 in the United Kingdom" in page  # counted among the needs
    assert "2 of 4 done" in page  # lessons passed and talked through; the checklist and the age
    sign_card = words(
        section(text(family.guardian.get(f"/family/tracks/{track}")), "signoff-heading")
    )
    assert "still missing above" not in sign_card  # no form to fill: the age stops it
    assert "Sign off: Learner's permit (possible from June 2028)" in sign_card
    assert "can't be signed off" not in page
    home = text(family.guardian.get("/family/"))
    dashboard = words(home)
    assert "2 of 4 done" in dashboard
    assert "Still missing, in order: Old enough for YouTube" in dashboard
    # A short checklist on the track's card, one need a line, not a sentence.
    cards = [
        [words(item) for item in re.findall(r"<li>(.*?)</li>", found, flags=re.S)]
        for found in re.findall(r'<ol class="missing small">(.*?)</ol>', home, flags=re.S)
    ]
    needs = next(card for card in cards if card[0].startswith("Old enough for YouTube"))
    assert len(needs) == 2 and "checklist items to tick" in needs[1]


def test_a_checkin_due_today_whose_hour_passed_is_listed_and_in_the_next_step(
    app,
    clock,
    permit,  # noqa: F811
):
    guardian, track = permit["guardian"], permit["track"]
    ready_permit(app, permit)
    move_to(permit, clock, datetime(2026, 3, 16, 10, 0, tzinfo=UTC))  # before Monday's 18:00
    page = words(text(guardian.get(f"/family/tracks/{track}")))
    assert "Overdue: 9 March" in page and "Next: 16 Mar 2026, 18:00" in page
    assert "Due:" not in page
    assert "Record the check-in of 9 March (overdue)" in page

    move_to(permit, clock, datetime(2026, 3, 16, 19, 0, tzinfo=UTC))  # its hour has passed
    page = words(text(guardian.get(f"/family/tracks/{track}")))
    assert "Due: 16 Mar 2026, 18:00, not recorded yet." in page
    assert "Overdue: 9 March" in page and "Next: 16 Mar" not in page
    step = words(section(text(guardian.get(f"/family/tracks/{track}")), "next-heading"))
    assert "Record the check-ins of 9 March (overdue) and 16 March (due, not recorded yet)" in step

    recorded = guardian.submit(
        f"/family/tracks/{track}/checkins/new", data={"due_on": "2026-03-16", "held": "held"}
    )
    assert recorded.status_code == 302, text(recorded)
    page = words(text(guardian.get(f"/family/tracks/{track}")))
    assert "Due:" not in page and "Record the check-in of 9 March (overdue)" in page


def test_six_held_over_too_short_a_span_says_six_of_six_and_the_days_left(
    app,
    clock,
    permit,  # noqa: F811
):
    guardian, track = permit["guardian"], permit["track"]
    ready_permit(app, permit)
    for week in range(6):
        due = date(2026, 3, 9) + timedelta(weeks=week)
        clock.current = datetime.combine(due, datetime.min.time(), UTC) + timedelta(hours=19)
        Auth(guardian).login()
        held = guardian.submit(
            f"/family/tracks/{track}/checkins/new", data={"due_on": due.isoformat(), "held": "held"}
        )
        assert held.status_code == 302, text(held)
    page = words(text(guardian.get(f"/family/tracks/{track}")))
    said = "6 of 6 held; the first was 5 weeks ago, and they must span 8 weeks: 21 more days"
    assert page.count(said) == 1, page
    assert "(5 of 6)" not in page and "(6 of 6)" in page


def test_the_schedule_suggestion_names_the_childs_age_band(app, permit):  # noqa: F811
    page = words(text(permit["guardian"].get(f"/family/tracks/{permit['track']}/schedule")))
    assert "Younger children need closer guidance" not in page  # Mo is 13
    assert (
        "At 13 to 15, children need less close guidance than under 13 but more than from 16, "
        "so we suggest fortnightly check-ins for Mo" in page
    )
