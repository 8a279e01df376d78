"""Check-ins held together on the family tablet: the agenda, notes typed together, the
child's PIN at the end ("I was there, and this is what we said"), saving without it, the
child's own notes afterwards, and who may do what."""

# ruff: noqa: F811 - the tests take the ``permit`` fixture imported from test_permit

from __future__ import annotations

import html
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from supervisor.extensions import db
from supervisor.models import (
    AuditEvent,
    CheckIn,
    CheckInNote,
    Guardian,
    Notification,
    PinAttempts,
    Track,
)
from supervisor.notices import read
from supervisor.permit import reads
from tests.conftest import PASSWORD, Auth, add_child, text
from tests.test_checkins import log_moment, moment_id, record
from tests.test_checkins import page_of as page_html
from tests.test_permit import (
    MONDAY_EVENING,
    PIN,
    agree_schedule,
    move_to,
    permit,  # noqa: F401 - a fixture
)
from tests.test_tracks import tick_everything

WRONG_PIN = "9157"
LONDON = ZoneInfo("Europe/London")


def page_of(client, url):
    """A page's words as read, white space runs as one space."""
    return html.unescape(page_html(client, url))


def guardian_on_tablet(app, permit):
    """Ada opens her own profile on the family tablet (with her password), beside Mo."""
    client = app.test_client()
    client.set_cookie("__Host-device", permit["tablet"].get_cookie("__Host-device").value)
    with app.app_context():
        ada = db.session.scalars(sa.select(Guardian.id)).one()
    response = client.submit(f"/who/guardian/{ada}", data={"password": PASSWORD})
    assert response.status_code == 302, text(response)
    return client


def ready(app, clock, permit):
    """A weekly schedule both agreed, a learning moment Mo reflected on, and the first
    check-in's evening: Ada on the tablet."""
    agree_schedule(permit)
    log_moment(permit, "Scrolled until midnight.")
    moment = moment_id(app, "Scrolled until midnight.")
    reflected = permit["tablet"].submit(
        f"/me/moments/{moment}/reflect", data={"reflection": "Phone out of my room at nine."}
    )
    assert reflected.status_code == 302
    move_to(permit, clock, MONDAY_EVENING)
    return guardian_on_tablet(app, permit), moment


def together(client, permit, **fields):
    data = {"due_on": "2026-03-09", "held": "held", "confirmation": "pin", "pin": PIN, **fields}
    return client.submit(f"/family/tracks/{permit['track']}/checkins/together", data=data)


def the_checkin(app, due: str = "2026-03-09"):
    with app.app_context():
        return db.session.scalars(
            sa.select(CheckIn).where(
                CheckIn.due_on == date.fromisoformat(due), CheckIn.replaced_at.is_(None)
            )
        ).one_or_none()


def failures(app, child_id):
    with app.app_context():
        return db.session.scalar(
            sa.select(PinAttempts.failures).where(PinAttempts.child_id == child_id)
        )


def test_the_agenda_shows_moments_the_prompt_changes_and_requests(app, clock, permit):
    tablet_guardian, _moment = ready(app, clock, permit)
    page = page_of(tablet_guardian, f"/family/tracks/{permit['track']}/checkins/together")
    assert "Check-in together · Mo · Instagram" in page
    assert "What happened:</strong> Scrolled until midnight." in page
    assert "Mo's reflection:</strong> Phone out of my room at nine." in page
    assert "Prompt of the week" in page
    # The first check-in: how things were agreed so far.
    assert "How things were agreed so far" in page
    assert "Ada proposed a check-in schedule: Every week, Mondays at 18:00." in page
    assert "Mo agreed to the schedule:" in page
    assert "No open requests." in page
    assert 'name="pin"' in page and "Mo confirms with their PIN" in page
    assert 'name="private_notes"' not in page  # Mo reads all that Mo confirms


def test_together_with_the_childs_pin_is_confirmed(app, clock, permit):
    tablet_guardian, moment = ready(app, clock, permit)
    response = together(
        tablet_guardian,
        permit,
        moments=[str(moment)],
        shared_notes="We agreed: phone downstairs at nine.",
    )
    assert response.status_code == 302, text(response)
    checkin = the_checkin(app)
    assert checkin.child_confirmed_at == MONDAY_EVENING
    assert checkin.confirmed_by_id == permit["child"]
    assert checkin.shared_notes == "We agreed: phone downstairs at nine."
    assert checkin.moments_talked == [moment] and checkin.private_notes is None
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "checkin_together" in actions and "checkin_confirm" not in actions
    guardian_page = page_of(tablet_guardian, f"/family/tracks/{permit['track']}")
    assert "The check-in is recorded. Mo confirmed it with their PIN." in guardian_page
    assert "Mo confirmed with their PIN, 9 Mar 2026, 19:00." in guardian_page
    child_page = page_of(permit["tablet"], f"/me/tracks/{permit['track']}")
    assert "You confirmed with your PIN" in child_page
    assert "We agreed: phone downstairs at nine." in child_page
    assert failures(app, permit["child"]) == 0


def test_a_wrong_pin_saves_nothing_and_counts_toward_the_lockout(app, clock, permit):
    tablet_guardian, _moment = ready(app, clock, permit)
    response = together(tablet_guardian, permit, pin=WRONG_PIN, shared_notes="Kept for retry.")
    assert response.status_code == 200
    page = text(response)
    assert "That PIN isn't right. 4 more tries before you have to wait." in html.unescape(page)
    assert "Kept for retry." in page  # what was typed together stays
    assert the_checkin(app) is None
    assert failures(app, permit["child"]) == 1
    with app.app_context():
        failed = db.session.scalars(
            sa.select(AuditEvent.outcome).where(AuditEvent.action == "checkin_confirm")
        ).all()
    assert failed == ["failure"]
    # The same count as opening the profile: three more here, and one at the picker waits.
    for _ in range(3):
        assert together(tablet_guardian, permit, pin=WRONG_PIN).status_code == 200
    stranger = app.test_client()
    stranger.set_cookie("__Host-device", permit["tablet"].get_cookie("__Host-device").value)
    locked = stranger.submit(f"/who/child/{permit['child']}", data={"pin": WRONG_PIN})
    assert locked.status_code == 429 and "Too many wrong PINs" in text(locked)
    waiting = together(tablet_guardian, permit)  # even the right PIN waits now
    assert waiting.status_code == 429 and "Too many wrong PINs" in text(waiting)
    assert the_checkin(app) is None
    # Saving without the PIN still works, and is marked so.
    saved = together(tablet_guardian, permit, confirmation="unconfirmed")
    assert saved.status_code == 302, text(saved)
    assert the_checkin(app).child_confirmed_at is None


def test_skipping_the_confirmation_counts_and_is_marked(app, clock, permit):
    tablet_guardian, _moment = ready(app, clock, permit)
    response = together(tablet_guardian, permit, confirmation="unconfirmed", pin=WRONG_PIN)
    assert response.status_code == 302, text(response)
    checkin = the_checkin(app)
    assert checkin.child_confirmed_at is None and checkin.confirmed_by_id is None
    assert failures(app, permit["child"]) == 0  # a PIN not meant to confirm is never checked
    with app.app_context():
        track = db.session.get_one(Track, permit["track"])
        records = reads.checkins(track, LONDON)
        assert [r.counts for r in records] == [True]
        assert checkin.due_on in reads.schedule_state(track, LONDON).held
    guardian_page = page_of(tablet_guardian, f"/family/tracks/{permit['track']}")
    assert "The check-in is recorded. It counts, marked not confirmed by Mo." in guardian_page
    assert "Not confirmed by Mo" in guardian_page
    assert "Not confirmed by you" in page_of(permit["tablet"], f"/me/tracks/{permit['track']}")


def test_on_a_guardians_own_device_there_is_no_pin_to_type(app, clock, permit):
    ready(app, clock, permit)
    url = f"/family/tracks/{permit['track']}/checkins/together"
    page = page_of(permit["guardian"], url)
    assert 'name="pin"' not in page
    assert "Mo can confirm with their PIN only on the family tablet" in page
    refused = together(permit["guardian"], permit)
    assert refused.status_code == 200 and the_checkin(app) is None
    assert failures(app, permit["child"]) == 0
    saved = together(permit["guardian"], permit, confirmation="unconfirmed", held="skipped")
    assert saved.status_code == 302, text(saved)
    assert not the_checkin(app).held and the_checkin(app).child_confirmed_at is None
    told = page_of(permit["guardian"], f"/family/tracks/{permit['track']}")
    assert "The check-in is recorded as skipped, marked not confirmed by Mo." in told


def test_changes_since_the_last_checkin_and_open_requests(app, clock, permit):
    tablet_guardian, moment = ready(app, clock, permit)
    assert together(tablet_guardian, permit, moments=[str(moment)]).status_code == 302
    move_to(permit, clock, MONDAY_EVENING + timedelta(hours=1))
    chose = permit["guardian"].submit(
        f"/family/tracks/{permit['track']}/monitoring", data={"arrangement": "follow"}
    )
    assert chose.status_code == 302
    move_to(permit, clock, MONDAY_EVENING + timedelta(weeks=1))
    snapchat = permit["guardian"].submit(
        f"/family/children/{permit['child']}/tracks/new", data={"platform": "snapchat"}
    )
    snapchat_id = int(snapchat.headers["Location"].rsplit("/", 1)[1])
    tick_everything(permit["guardian"], snapchat_id)
    asked = permit["tablet"].submit(
        f"/me/tracks/{snapchat_id}/request", data={"note": "I know who sees my snaps."}
    )
    assert asked.status_code == 302, text(asked)
    page = page_of(
        guardian_on_tablet(app, permit), f"/family/tracks/{permit['track']}/checkins/together"
    )
    assert (
        "Snapchat:</strong> Mo asked for sign-off 16 Mar 2026: “I know who sees my snaps.”" in page
    )
    assert "What changed since the last check-in" in page
    assert "Ada chose how to look in: Mo's guardians follow or friend the account." in page
    assert "proposed a check-in schedule" not in page  # that was before the last check-in
    assert "None to talk through." in page  # the moment was talked through


def test_a_corrected_checkin_is_no_longer_confirmed(app, clock, permit):
    tablet_guardian, _moment = ready(app, clock, permit)
    assert together(tablet_guardian, permit).status_code == 302
    old = the_checkin(app)
    corrected = permit["guardian"].submit(
        f"/family/tracks/{permit['track']}/checkins/{old.id}/correct",
        data={"held": "skipped", "reason": "We moved it.", "version": str(old.version)},
    )
    assert corrected.status_code == 302, text(corrected)
    assert the_checkin(app).child_confirmed_at is None  # Mo confirmed what it said before
    page = page_of(permit["guardian"], f"/family/tracks/{permit['track']}")
    assert "Not confirmed by Mo" in page and "Mo confirmed with their PIN" in page


def note(client, checkin_id, words, version="new"):
    return client.submit(
        f"/me/checkins/{checkin_id}/note", data={"note": words, "version": version}
    )


def test_the_childs_note_afterwards_is_shown_and_never_erased(app, clock, permit):
    move_to(permit, clock, MONDAY_EVENING - timedelta(weeks=1))
    agree_schedule(permit)
    move_to(permit, clock, MONDAY_EVENING)
    assert record(permit, "2026-03-09").status_code == 302  # recorded by Ada alone
    checkin = the_checkin(app)
    child_page = page_of(permit["tablet"], f"/me/tracks/{permit['track']}")
    assert "Add your own note about this check-in" in child_page
    assert note(permit["tablet"], checkin.id, "   ").status_code == 400
    assert note(permit["tablet"], checkin.id, "I liked talking about it.").status_code == 302
    with app.app_context():
        first = db.session.scalars(sa.select(CheckInNote)).one()
    for page in (
        page_of(permit["guardian"], f"/family/tracks/{permit['track']}"),
        page_of(permit["tablet"], f"/me/tracks/{permit['track']}"),
    ):
        assert "“I liked talking about it.”" in page
    assert "Mo's note" in page_of(permit["guardian"], f"/family/tracks/{permit['track']}")
    # A second note from a page opened before the first is refused, and nothing is lost.
    stale = note(permit["tablet"], checkin.id, "Another tab.")
    assert stale.status_code == 409 and "changed since the page was opened" in text(stale)
    changed = note(permit["tablet"], checkin.id, "And I want bedtime at ten.", str(first.id))
    assert changed.status_code == 302
    page = page_of(permit["guardian"], f"/family/tracks/{permit['track']}")
    assert "“And I want bedtime at ten.”" in page
    assert "First written" in page and "“I liked talking about it.”" in page
    with app.app_context():
        texts = db.session.scalars(sa.select(CheckInNote.text).order_by(CheckInNote.id)).all()
    assert texts == ["I liked talking about it.", "And I want bedtime at ten."]
    with app.test_request_context():
        notices = [read(n) for n in db.session.scalars(sa.select(Notification))]
    assert any("Mo added a note on the check-in of 9 March 2026" in n for n in notices)


def test_only_the_tracks_own_child_may_write_a_note(app, clock, permit):
    move_to(permit, clock, MONDAY_EVENING - timedelta(weeks=1))
    agree_schedule(permit)
    move_to(permit, clock, MONDAY_EVENING)
    assert record(permit, "2026-03-09").status_code == 302
    checkin = the_checkin(app)
    # Zoe, Mo's sister, on the same tablet: Mo's track is not hers.
    zoe = add_child(permit["guardian"], "Zoe", "5937")
    sister = app.test_client()
    sister.set_cookie("__Host-device", permit["tablet"].get_cookie("__Host-device").value)
    assert sister.submit(f"/who/child/{zoe}", data={"pin": "5937"}).status_code == 302
    assert note(sister, checkin.id, "Not mine to write.").status_code == 404
    # A child of another family, on that family's tablet.
    eve = Auth(app.test_client())
    eve.signup(email="eve@example.org", name="Eve", family="The Outsiders")
    kid = add_child(eve.client, "Kai", "5937")
    eve.client.submit("/family/devices/", data={"name": "Their tablet"})
    assert eve.client.submit(f"/who/child/{kid}", data={"pin": "5937"}).status_code == 302
    assert note(eve.client, checkin.id, "Not ours.").status_code == 404
    # Guardians write no child's note; nor does an unknown check-in exist.
    assert note(permit["guardian"], checkin.id, "Ada pretending.").status_code == 403
    assert note(permit["tablet"], checkin.id + 999, "No such.").status_code == 404
    # Nor may either child confirm or record a check-in together.
    together_url = f"/family/tracks/{permit['track']}/checkins/together"
    assert (
        sister.submit(together_url, data={"confirmation": "pin", "pin": "5937"}).status_code == 403
    )
    assert eve.client.submit(together_url, data={"confirmation": "pin"}).status_code == 403
    with app.app_context():
        assert db.session.scalars(sa.select(CheckInNote)).all() == []
        assert db.session.get_one(CheckIn, checkin.id).child_confirmed_at is None


def test_a_siblings_pin_does_not_confirm_anothers_checkin(app, clock, permit):
    """Only the track's own child confirms: Zoe's PIN is a wrong PIN on Mo's check-in."""
    tablet_guardian, _moment = ready(app, clock, permit)
    add_child(permit["guardian"], "Zoe", "5937")
    response = together(tablet_guardian, permit, pin="5937")
    assert response.status_code == 200
    assert "That PIN isn't right." in html.unescape(text(response))
    assert the_checkin(app) is None and failures(app, permit["child"]) == 1


def test_the_agenda_names_a_fade_plan_whole(app, clock, permit):
    """A plan that lessens over time is told with every step, as it was proposed."""
    agree_schedule(permit, fade1_on="2026-04-13", fade1_frequency="fortnightly")
    move_to(permit, clock, MONDAY_EVENING)
    page = page_of(
        guardian_on_tablet(app, permit), f"/family/tracks/{permit['track']}/checkins/together"
    )
    plan = (
        "Every week, Mondays at 18:00; then from 13 April 2026: Every two weeks, Mondays at 18:00"
    )
    assert f"Ada proposed a check-in schedule: {plan}." in page
    assert f"Mo agreed to the schedule: {plan}." in page
