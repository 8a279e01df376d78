"""Each person's own language: a guardian's on the account page, a child's on the child's
profile, else the browser's; and dates, times and durations in the page's language."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from supervisor.extensions import db
from supervisor.local_time import duration, when
from supervisor.models import Child, Guardian
from tests.conftest import add_child, text
from tests.test_tracks import start_family, tick_everything

PIN = "4826"


@pytest.fixture
def two_languages(app):
    """The app as shipped: Spanish offered beside English."""
    assert app.config["LANGUAGES"] == ("en", "es")
    return app


@pytest.fixture
def one_language(app):
    """English only (the ``app`` fixture puts the config back)."""
    app.config["LANGUAGES"] = ("en",)
    return app


def lang(page: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def stored(app, model, name_column, name):
    with app.app_context():
        return db.session.scalars(sa.select(model.language).where(name_column == name)).one()


def test_with_one_language_no_page_offers_a_choice(one_language, auth, client):
    app = one_language
    auth.signup()
    child_id = add_child(client, "Mo")
    account = text(client.get("/account"))
    edit = text(client.get(f"/family/children/{child_id}/edit"))
    assert 'name="language"' not in account and "Save language" not in account
    assert 'name="language"' not in edit
    response = client.submit("/account/language", data={"language": "en"})
    assert response.status_code == 302
    assert "That language could not be read" in text(client.get("/account"))
    assert stored(app, Guardian, Guardian.name, "Ada") is None
    # Saving the child's profile keeps its language as it was.
    response = client.submit(
        f"/family/children/{child_id}/edit",
        data={"display_name": "Morgan", "avatar": "owl", "colour": "sky"},
    )
    assert response.status_code == 302
    assert stored(app, Child, Child.display_name, "Morgan") is None


def test_a_language_no_longer_offered_gives_way_to_the_browsers(two_languages, auth, client):
    auth.signup()
    with two_languages.app_context():
        db.session.execute(sa.update(Guardian).values(language="fr"))
        db.session.commit()
    assert lang(text(client.get("/family/", headers={"Accept-Language": "es"}))) == "es"
    assert lang(text(client.get("/family/", headers={"Accept-Language": "fr"}))) == "en"


def test_a_guardian_chooses_their_own_language_without_a_password(two_languages, auth, client):
    app = two_languages
    auth.signup()
    account = text(client.get("/account"))
    assert re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)<', account) == [
        ("", "As this browser asks"),
        ("en", "English"),
        ("es", "Español"),
    ]
    assert lang(account) == "en"

    response = client.submit("/account/language", data={"language": "es"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert stored(app, Guardian, Guardian.name, "Ada") == "es"
    page = text(client.get("/account"))
    assert lang(page) == "es"
    assert "Tu idioma está guardado." in page  # told in the language just chosen
    assert re.search(r'<option selected value="es">|<option value="es" selected>', page)
    # Their own choice wins over what the browser asks.
    assert lang(text(client.get("/family/", headers={"Accept-Language": "en"}))) == "es"

    # Back to the browser's choice.
    client.submit("/account/language", data={"language": ""})
    assert stored(app, Guardian, Guardian.name, "Ada") is None
    english = text(client.get("/account"))
    assert lang(english) == "en" and "Your language is saved." in english
    assert lang(text(client.get("/account", headers={"Accept-Language": "es-MX,es"}))) == "es"


def test_a_language_not_offered_is_refused_with_a_message(two_languages, auth, client):
    auth.signup()
    client.submit("/account/language", data={"language": "es"})
    response = client.submit("/account/language", data={"language": "fr"})
    assert response.status_code == 302
    # Told in the language they chose.
    with two_languages.test_request_context(), force_locale("es"):
        told = gettext("That language could not be read. Try again.")
    assert told != "That language could not be read. Try again."
    assert told in text(client.get("/account"))
    assert stored(two_languages, Guardian, Guardian.name, "Ada") == "es"


def test_a_child_reads_their_own_language_on_the_shared_tablet(two_languages, auth, client):
    app = two_languages
    auth.signup()
    child_id = add_child(client, "Mo", PIN)
    edit = text(client.get(f"/family/children/{child_id}/edit"))
    assert 'name="language"' in edit and "pages speak it, whatever the guardians read" in edit
    response = client.submit(
        f"/family/children/{child_id}/edit",
        data={"display_name": "Mo", "avatar": "fox", "colour": "sky", "language": "es"},
    )
    assert response.status_code == 302
    assert stored(app, Child, Child.display_name, "Mo") == "es"
    # The guardian's own pages keep the browser's language.
    assert lang(text(client.get("/family/"))) == "en"

    client.submit("/family/devices/", data={"name": "Kitchen tablet"})
    assert lang(text(client.get("/who"))) == "en"  # nobody's profile is open yet
    # The PIN page is said to the child: in the child's own language, wrong PIN and all.
    unlock = text(client.get(f"/who/child/{child_id}"))
    assert lang(unlock) == "es" and "Tu PIN" in unlock
    wrong = client.submit(f"/who/child/{child_id}", data={"pin": "1111"})
    assert lang(text(wrong)) == "es" and "PIN" in text(wrong)
    assert lang(text(client.get("/who"))) == "en"
    assert client.submit(f"/who/child/{child_id}", data={"pin": PIN}).status_code == 302
    assert lang(text(client.get("/me/"))) == "es"


def test_a_bad_language_on_the_child_profile_changes_nothing(two_languages, auth, client):
    auth.signup()
    child_id = add_child(client, "Mo", PIN)
    response = client.submit(
        f"/family/children/{child_id}/edit",
        data={"display_name": "Morgan", "avatar": "fox", "colour": "sky", "language": "xx"},
    )
    assert response.status_code == 200 and "Not a valid choice" in text(response)
    assert stored(two_languages, Child, Child.display_name, "Mo") is None


def test_the_browser_chooses_among_the_offered_languages_and_english_is_last(two_languages):
    client = two_languages.test_client()
    assert lang(text(client.get("/login", headers={"Accept-Language": "es-ES,es;q=0.9"}))) == "es"
    assert lang(text(client.get("/login", headers={"Accept-Language": "fr, de;q=0.5"}))) == "en"
    assert lang(text(client.get("/login"))) == "en"


MOMENT = datetime(2026, 9, 2, 8, 5, tzinfo=UTC)


def test_english_dates_read_as_they_always_have(app):
    with app.test_request_context():
        assert when(MOMENT, zone="Europe/London") == "2 Sep 2026, 09:05"
        assert when(MOMENT, "date", zone="Europe/London") == "2 Sep 2026"
        assert when(MOMENT, "time", zone="America/New_York") == "04:05"
        assert when(date(2026, 3, 2)) == "2 Mar 2026"
        assert when(date(2026, 3, 2), "long-date") == "2 March 2026"
        assert when(date(2026, 3, 2), "day-month") == "2 March"
        assert when(date(2026, 3, 2), "short-day-month") == "2 Mar"
        assert when(date(2026, 3, 2), "weekday") == "Monday"
        assert when(date(2026, 3, 9), "weekday-day-month") == "Monday 9 March"
        assert when(date(2026, 3, 2), "time") == "2 Mar 2026"  # a bare date has no time
        assert when(None) == ""
        assert duration(timedelta(seconds=5)) == "1 minute"
        assert duration(timedelta(minutes=15)) == "15 minutes"
        assert duration(timedelta(hours=12)) == "12 hours"
    # Outside a request (a job's mail), English.
    with app.app_context():
        assert when(MOMENT, zone="Europe/Madrid") == "2 Sep 2026, 10:05"


def test_dates_follow_the_page_language(two_languages):
    with two_languages.test_request_context(headers={"Accept-Language": "es"}):
        assert when(MOMENT, zone="Europe/Madrid") == "2 sept 2026, 10:05"
        assert when(date(2026, 3, 2), "long-date") == "2 de marzo de 2026"
        assert when(date(2026, 3, 2), "day-month") == "2 de marzo"
        assert when(date(2026, 3, 2), "weekday") == "lunes"
        assert when(date(2026, 3, 9), "weekday-day-month") == "lun, 9 de marzo"
        assert duration(timedelta(minutes=15)) == "15 minutos"
        assert duration(timedelta(hours=3)) == "3 horas"


def test_the_child_reads_their_own_doings_as_you_in_their_language(two_languages):
    """A history row of the child's own doing is said to the child ("Pediste la firma"),
    not built from a name slot ("Tú pidió"), while the guardians read it with the name."""
    family = start_family(two_languages)
    tick_everything(family.guardian, family.track_id)
    asked = family.tablet.submit(f"/me/tracks/{family.track_id}/request", data={"note": "Ya sé."})
    assert asked.status_code == 302
    with two_languages.app_context():
        db.session.execute(sa.update(Child).values(language="es"))
        db.session.commit()
    own = text(family.tablet.get(f"/me/tracks/{family.track_id}"))
    assert lang(own) == "es"
    assert "Pediste la firma: «Ya sé.»" in own and "Tú pidió" not in own
    theirs = text(family.guardian.get(f"/family/tracks/{family.track_id}"))
    assert lang(theirs) == "en" and "Mo asked for sign-off: “Ya sé.”" in theirs


def test_a_guardians_unlock_page_on_the_tablet_speaks_their_own_language(two_languages, auth):
    client = auth.client
    auth.signup()
    client.submit("/account/language", data={"language": "es"})
    client.submit("/family/devices/", data={"name": "Kitchen tablet"})
    with two_languages.app_context():
        ada = db.session.scalars(sa.select(Guardian.id)).one()
    unlock = text(client.get(f"/who/guardian/{ada}", headers={"Accept-Language": "en"}))
    assert lang(unlock) == "es" and "Tu contraseña" in unlock
