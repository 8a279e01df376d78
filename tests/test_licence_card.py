"""The licence card, the timeline of a track's stages and its check-ins week by week, told
true along the real path: instruction passed, the permit signed off, check-ins held, skipped
and missed over six weeks, then the licence; and their cost does not grow with the family."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from supervisor.permit.weeks import CheckInWeeks, Week, tally
from supervisor.stages.schedule import Rhythm
from tests.conftest import Auth, add_child, pass_all_lessons, tap_i_agree, text
from tests.test_age_gate import add_track, section
from tests.test_dashboard import page_statements

PIN = "4826"
MONDAYS = ["2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30", "2026-04-06", "2026-04-13"]
HELD = {"2026-03-09", "2026-03-16", "2026-03-30", "2026-04-13"}
SKIPPED = {"2026-03-23"}  # and 6 April passes with no record at all


def words(html: str) -> str:
    """The visible words of some HTML, tags taken out, white space folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").split())


def signed_up(app, clock, email: str = "ada@example.org", family: str = "The Lovelaces"):
    """A guardian signed up on 2 March 2026 with a tablet enrolled."""
    guardian = Auth(app.test_client())
    guardian.signup(email=email, family=family)
    tablet = Auth(app.test_client())
    tablet.login(email=email)
    tablet.client.submit("/family/devices/", data={"name": "Tablet"})
    return guardian, tablet.client


def to_permit(
    app,
    clock,
    guardian,
    tablet,
    name: str,
    pin: str = PIN,
    wait=timedelta(days=2, hours=1),
    email: str = "ada@example.org",
) -> tuple[int, int]:
    """A child with every lesson passed, an Instagram track signed off to the permit after
    ``wait`` (from 2 March: on 4 March, 10:00), and weekly Monday check-ins at 18:00 from
    9 March agreed by both."""
    child = add_child(guardian.client, name, pin, birth_year=2012)
    pass_all_lessons(app, child)
    track = add_track(guardian.client, child, "instagram")
    clock.current += wait
    guardian.login(email=email)  # signed in again after the wait
    response = guardian.client.submit(
        f"/family/tracks/{track}/sign-off",
        data={"from_stage": "instruction", "override_reason": "Ready for the permit."},
    )
    assert response.status_code == 302, text(response)
    schedule = {
        "frequency": "weekly", "weekday": "0", "at_time": "18:00", "minutes": "20",
        "starts_on": "2026-03-09", "every_days": "", "fade1_on": "", "fade1_frequency": "",
        "fade2_on": "", "fade2_frequency": "",
    }  # fmt: skip
    response = guardian.client.submit(f"/family/tracks/{track}/schedule", data=schedule)
    assert response.status_code == 302, text(response)
    tablet.submit("/logout")
    assert tablet.submit(f"/who/child/{child}", data={"pin": pin}).status_code == 302
    assert tap_i_agree(tablet, track).status_code == 302
    return child, track


def record(guardian, track: int, due: str, held: bool) -> None:
    data = {"due_on": due, "held": "held" if held else "skipped"}
    response = guardian.client.submit(f"/family/tracks/{track}/checkins/new", data=data)
    assert response.status_code == 302, text(response)


def again(guardian, tablet, child: int, email: str = "ada@example.org") -> None:
    """After a jump of the clock: the guardian signs in again, the child unlocks again."""
    guardian.login(email=email)
    tablet.submit("/logout")
    assert tablet.submit(f"/who/child/{child}", data={"pin": PIN}).status_code == 302


@pytest.fixture
def story(app, clock):
    """Mo's Instagram from instruction to the licence, her YouTube still at instruction."""
    guardian, tablet = signed_up(app, clock)
    child, track = to_permit(app, clock, guardian, tablet, "Mo")
    youtube = add_track(guardian.client, child, "youtube")  # 4 March
    clock.current = datetime(2026, 4, 14, 9, 0, tzinfo=UTC)  # Tuesday after the sixth Monday
    again(guardian, tablet, child)
    for due in MONDAYS:
        if due in HELD or due in SKIPPED:
            record(guardian, track, due, held=due in HELD)
    return {"guardian": guardian, "tablet": tablet, "child": child, "track": track, "yt": youtube}


def licence(story, clock) -> None:
    """Signed off to the licence at 23:30 UTC on 14 April: 00:30 on 15 April in London."""
    clock.current = datetime(2026, 4, 14, 23, 30, tzinfo=UTC)
    again(story["guardian"], story["tablet"], story["child"])
    response = story["guardian"].client.submit(
        f"/family/tracks/{story['track']}/sign-off",
        data={"from_stage": "permit", "override_reason": "Six weeks went well."},
    )
    assert response.status_code == 302, text(response)


def weeks_table(page: str) -> list[tuple[str, ...]]:
    """The chart's table, hidden from sight: one row per week."""
    table = page[page.index("<caption>Check-ins week by week</caption>") :]
    table = table[: table.index("</table>")]
    return [
        tuple(words(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row))
        for row in re.findall(r"<tr>(.*?)</tr>", table[table.index("<tbody>") :], flags=re.S)
    ]


WEEKS = [
    ("9 March 2026", "1", "0", "0"),
    ("16 March 2026", "1", "0", "0"),
    ("23 March 2026", "0", "1", "0"),
    ("30 March 2026", "1", "0", "0"),
    ("6 April 2026", "0", "0", "1"),
    ("13 April 2026", "1", "0", "0"),
]


def card_rows(page: str, child_id: int) -> list[str]:
    card = page[page.index(f'aria-labelledby="photocard-{child_id}"') :]
    card = card[: card.index("</article>")]
    return [words(row) for row in re.findall(r"<tr>(.*?)</tr>", card, flags=re.S)][1:]


def test_at_the_permit_the_card_timeline_and_chart_tell_it_as_it_is(app, clock, story):
    guardian, tablet, track = story["guardian"], story["tablet"], story["track"]
    home = text(tablet.get("/me/"))
    assert "My licence card" in home and "The Lovelaces" in home
    assert card_rows(home, story["child"]) == [
        "Instagram Learner's permit 4 Mar 2026",
        "YouTube Instruction 4 Mar 2026",
    ]
    child_page = text(tablet.get(f"/me/tracks/{track}"))
    said = words(section(child_page, "way-heading"))
    assert (
        "You and your guardians talked 4 times in 6 weeks; 1 check-in was skipped and "
        "1 check-in has no record."
    ) in said
    assert "Instruction: 2 Mar 2026 to 4 Mar 2026" in said
    assert "Learner's permit: since 4 Mar 2026 (now)" in said
    assert "Licence: not yet" in said
    assert "Ada signed off: Instruction → Learner's permit" in said
    assert weeks_table(child_page) == WEEKS
    page = text(guardian.client.get(f"/family/tracks/{track}"))
    assert "6 weeks: 4 check-ins held, 1 skipped, 1 with no record." in words(
        section(page, "way-heading")
    )
    assert weeks_table(page) == WEEKS
    # One bar per week, each as tall as its week's count: four held, one skipped, one missed.
    start = page.index('<svg class="chart"')
    svg = page[start : page.index("</svg>", start)]
    assert len(re.findall(r'class="chart-held"', svg)) == 4
    assert len(re.findall(r'class="chart-skipped"', svg)) == 1
    assert len(re.findall(r'class="chart-unrecorded"', svg)) == 1
    xs = {int(x) for x in re.findall(r'<rect class="chart-\w+" x="(\d+)"', svg)}
    assert {(x - 8) // 44 for x in xs} == set(range(6))


def test_at_the_licence_every_part_says_so_with_the_familys_date(app, clock, story):
    licence(story, clock)
    guardian, tablet, track, child = (story[k] for k in ("guardian", "tablet", "track", "child"))
    rows = ["Instagram Licence 15 Apr 2026", "YouTube Instruction 4 Mar 2026"]
    assert card_rows(text(tablet.get("/me/")), child) == rows
    dashboard = text(guardian.client.get("/family/"))
    assert card_rows(dashboard, child) == rows
    assert f'href="/family/children/{child}/card"' in dashboard
    clock.advance(days=30)  # the licence ended the schedule: later Mondays are not missed
    again(guardian, tablet, child)
    for page, said in (
        (
            text(guardian.client.get(f"/family/tracks/{track}")),
            "6 weeks: 4 check-ins held, 1 skipped, 1 with no record.",
        ),
        (
            text(tablet.get(f"/me/tracks/{track}")),
            "You and your guardians talked 4 times in 6 weeks; 1 check-in was skipped",
        ),
    ):
        way = words(section(page, "way-heading"))
        assert said in way
        assert "Learner's permit: 4 Mar 2026 to 15 Apr 2026" in way
        assert "Licence: since 15 Apr 2026 (now)" in way and "not yet" not in way
        assert weeks_table(page) == WEEKS
    youtube = words(section(text(tablet.get(f"/me/tracks/{story['yt']}")), "way-heading"))
    assert "Instruction: since 4 Mar 2026 (now)" in youtube
    assert "Learner's permit: not yet" in youtube and "Check-ins" not in youtube


def test_the_print_page_is_the_card_at_card_size(app, clock, story):
    for client, url in (
        (story["guardian"].client, f"/family/children/{story['child']}/card"),
        (story["tablet"], "/me/card"),
    ):
        page = text(client.get(url))
        assert 'class="photocard-print"' in page and "print.js" in page
        assert card_rows(page, story["child"])[0] == "Instagram Learner's permit 4 Mar 2026"
    assert "Mo's licence card" in text(
        story["guardian"].client.get(f"/family/children/{story['child']}/card")
    )
    css = (Path(app.static_folder) / "style.css").read_text()
    assert "@page licence { size: 85.6mm 54mm; margin: 0; }" in css
    assert ".photocard-print { page: licence; }" in css


def test_a_child_with_no_tracks_gets_a_card_that_says_so(app, clock):
    guardian, tablet = signed_up(app, clock)
    child = add_child(guardian.client, "Zoe", PIN)
    tablet.submit(f"/who/child/{child}", data={"pin": PIN})
    home = words(text(tablet.get("/me/")))
    assert (
        "No apps on your card yet. When your guardians add one, it starts here at Instruction."
        in (home)
    )
    dashboard = words(text(guardian.client.get("/family/")))
    assert "No tracks yet: Zoe's card gets a row when a guardian adds one." in dashboard
    assert "Stage Since" not in dashboard


def test_a_permit_without_an_agreed_schedule_says_nothing_was_due(app, clock):
    guardian, _tablet = signed_up(app, clock)
    child = add_child(guardian.client, "Mo", PIN, birth_year=2012)
    pass_all_lessons(app, child)
    track = add_track(guardian.client, child, "instagram")
    guardian.client.submit(
        f"/family/tracks/{track}/sign-off",
        data={"from_stage": "instruction", "override_reason": "Ready."},
    )
    way = words(section(text(guardian.client.get(f"/family/tracks/{track}")), "way-heading"))
    assert "No check-in schedule is agreed yet, so no check-ins are due yet." in way
    assert '<svg class="chart"' not in section(
        text(guardian.client.get(f"/family/tracks/{track}")), "way-heading"
    )


def test_the_pages_cost_the_same_whatever_the_family_and_its_weeks(app, clock):
    """The card, the timeline and the chart add no statement per child, track or week."""
    small, small_tablet = signed_up(app, clock, "small@example.org", "Small")
    small_child, small_track = to_permit(
        app, clock, small, small_tablet, "Sam", email="small@example.org"
    )
    big, big_tablet = signed_up(app, clock, "big@example.org", "Big")
    kids = [
        to_permit(
            app, clock, big, big_tablet, f"Kid{n}", f"48{n}7", timedelta(hours=1), "big@example.org"
        )
        for n in range(3)
    ]
    clock.current = datetime(2026, 4, 21, 9, 0, tzinfo=UTC)
    small.login(email="small@example.org")
    big.login(email="big@example.org")
    for child, _ in [(small_child, small_track), *kids]:  # the same stages in both families
        add_track((small if child == small_child else big).client, child, "youtube")
    record(small, small_track, MONDAYS[0], held=True)
    for _, track in kids:
        for number, due in enumerate([*MONDAYS, "2026-04-20"]):
            record(big, track, due, held=number % 3 != 2)
    big_child, big_track = kids[-1]
    big_tablet.submit("/logout")
    big_tablet.submit(f"/who/child/{big_child}", data={"pin": "4827"})
    small_tablet.submit("/logout")
    small_tablet.submit(f"/who/child/{small_child}", data={"pin": PIN})
    pages = [
        ("/family/", "/family/"),
        (f"/family/tracks/{small_track}", f"/family/tracks/{big_track}"),
        (f"/family/children/{small_child}/card", f"/family/children/{big_child}/card"),
    ]
    for small_path, big_path in pages:
        page_statements(app, small.client, small_path)  # warm what is cached per process
        assert len(page_statements(app, small.client, small_path)) == len(
            page_statements(app, big.client, big_path)
        ), big_path
    statements = page_statements(app, big.client, f"/family/tracks/{big_track}")
    # The chart reads the agreed schedules, ended ones too, in one select of its own (beside
    # the two schedule states of the requirements and the permit) and the check-ins the page
    # lists already; the timeline reads the history the page shows.
    assert sum("FROM checkin_schedule" in s for s in statements) == 3
    assert sum(re.search(r"FROM checkin\b", s) is not None for s in statements) == 3
    assert sum("FROM track_event" in s for s in statements) == 1
    child_pages = [("/me/", "/me/"), (f"/me/tracks/{small_track}", f"/me/tracks/{big_track}")]
    for small_path, big_path in [*child_pages, ("/me/card", "/me/card")]:
        page_statements(app, small_tablet, small_path)
        assert len(page_statements(app, small_tablet, small_path)) == len(
            page_statements(app, big_tablet, big_path)
        ), big_path
    chart = text(big.client.get(f"/family/tracks/{big_track}"))
    assert "7 weeks: 5 check-ins held, 2 skipped." in words(section(chart, "way-heading"))


# --- the week-by-week sums, as pure maths over the schedule's due dates ---------------------

LONDON = ZoneInfo("Europe/London")


def plan(frequency: str, starts: date, agreed: datetime, ended: datetime | None = None):
    """A plan both sides agreed at ``agreed``: Mondays at 18:00 from ``starts``."""
    return ([Rhythm(frequency, 0, 0, "18:00", starts)], agreed, ended)


def test_a_checkin_within_a_day_of_its_hour_is_in_no_count_yet():
    plans = [plan("weekly", date(2026, 3, 9), datetime(2026, 3, 2, 10, tzinfo=UTC))]
    waiting = tally(plans, {}, LONDON, datetime(2026, 3, 10, 9, tzinfo=UTC))
    assert waiting.weeks == [] and waiting.agreed
    late = tally(plans, {}, LONDON, datetime(2026, 3, 10, 19, tzinfo=UTC))
    assert late.weeks == [Week(date(2026, 3, 9), unrecorded=1)]
    held = tally(plans, {date(2026, 3, 9): True}, LONDON, datetime(2026, 3, 10, 9, tzinfo=UTC))
    assert held.summary() == "1 week: 1 check-in held, 0 skipped"
    assert held.for_child() == "You and your guardians talked 1 time in 1 week."
    assert tally([], {}, LONDON, datetime(2026, 3, 10, tzinfo=UTC)) == CheckInWeeks([], False)


def test_a_fortnight_keeps_its_empty_week_and_a_replaced_plan_stops_asking():
    fortnightly = [plan("fortnightly", date(2026, 3, 9), datetime(2026, 3, 2, 10, tzinfo=UTC))]
    both = {date(2026, 3, 9): True, date(2026, 3, 23): True}
    found = tally(fortnightly, both, LONDON, datetime(2026, 3, 24, 9, tzinfo=UTC))
    assert [(w.monday.day, w.held, w.due) for w in found.weeks] == [
        (9, 1, 1),
        (16, 0, 0),
        (23, 1, 1),
    ]
    assert found.summary() == "3 weeks: 2 check-ins held, 0 skipped"
    switched = datetime(2026, 3, 17, 12, tzinfo=UTC)  # weekly until then, then fortnightly
    plans = [
        plan("weekly", date(2026, 3, 9), datetime(2026, 3, 2, 10, tzinfo=UTC), switched),
        plan("fortnightly", date(2026, 3, 23), switched),
    ]
    missed = tally(plans, {}, LONDON, datetime(2026, 4, 8, 9, tzinfo=UTC))
    assert [(w.monday.day, w.unrecorded) for w in missed.weeks] == [
        (9, 1), (16, 1), (23, 1), (30, 0), (6, 1)
    ]  # fmt: skip
    assert missed.for_child() == (
        "You and your guardians talked 0 times in 5 weeks; 4 check-ins have no record."
    )


def test_a_plan_agreed_after_its_hour_that_day_starts_the_week_after():
    """Agreed on Monday 9 March at 19:00 for Mondays at 18:00: that Monday was never due."""
    plans = [plan("weekly", date(2026, 3, 9), datetime(2026, 3, 9, 19, tzinfo=UTC))]
    found = tally(plans, {}, LONDON, datetime(2026, 3, 17, 19, tzinfo=UTC))
    assert found.weeks == [Week(date(2026, 3, 16), unrecorded=1)]
