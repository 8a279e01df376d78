"""Sentences that depend on the family: each page says what is true for this family now."""

from __future__ import annotations

from tests.conftest import text
from tests.test_tracks import add_second_guardian, start_family

LEAVE = "Leave the family, or remove a guardian"
STOP_LINK = "Stop the calendar link"


def test_a_sole_guardian_is_not_offered_to_leave_and_two_are(app):
    family = start_family(app)
    assert LEAVE not in text(family.guardian.get("/family/"))
    assert "Leave the family…" not in text(family.guardian.get("/account"))
    settings = text(family.guardian.get("/family/settings"))
    assert "You are the only guardian, so your signature is enough for now" in settings
    add_second_guardian(app, family.guardian)
    assert LEAVE in text(family.guardian.get("/family/"))
    assert "Leave the family…" in text(family.guardian.get("/account"))
    settings = text(family.guardian.get("/family/settings"))
    assert "every sign-off needs two of your 2 guardians" in settings
    assert "You are the only guardian" not in settings


def test_the_calendar_card_says_whether_there_is_a_link_to_stop(app):
    family = start_family(app)
    settings = text(family.guardian.get("/family/settings"))
    assert "The family has none yet." in settings and STOP_LINK not in settings
    assert family.guardian.submit("/family/calendar").status_code == 200
    settings = text(family.guardian.get("/family/settings"))
    assert "The family has one now; making a new link stops it." in " ".join(settings.split())
    assert STOP_LINK in settings
    assert family.guardian.submit("/family/calendar/revoke").status_code == 302
    assert STOP_LINK not in text(family.guardian.get("/family/settings"))
