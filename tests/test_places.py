"""Where a family lives: the country asked at sign-up, a time zone of that country's own, the
same fields in the family settings, and the scripts that help (served from this site)."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from supervisor.content.places import ALIASES, COUNTRIES, ZONES, zone_label, zones_of
from supervisor.extensions import db
from supervisor.models import Family, Guardian, Notification
from supervisor.notices import read
from supervisor.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import PASSWORD, Auth, snapshot, text
from tests.test_tracks import add_second_guardian

SIGNUP = {
    "name": "Ada",
    "family_name": "The Lovelaces",
    "email": "ada@example.org",
    "password": PASSWORD,
    "confirm": PASSWORD,
}
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)


def selected(page: str, name: str) -> list[str]:
    """The values a select named ``name`` has selected on ``page``."""
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert select is not None, f"no select {name}"
    return re.findall(r'<option selected value="([^"]*)"', select.group(0))


def options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert select is not None, f"no select {name}"
    return re.findall(r'<option(?: selected)? value="([^"]*)"', select.group(0))


def family_row(app) -> Family:
    with app.app_context():
        return db.session.scalars(sa.select(Family)).one()


# -- the data, from the tz database ----------------------------------------------------------


def test_every_country_has_zones_with_readable_labels():
    assert COUNTRIES["GB"] == "United Kingdom" and COUNTRIES["US"] == "United States"
    assert list(COUNTRIES.values()) == sorted(COUNTRIES.values())
    assert len(COUNTRIES) > 240 and set(COUNTRIES) == set(ZONES)
    for zones in ZONES.values():
        assert zones and all(ZoneInfo(zone) for zone in zones)
    assert zones_of("GB") == {"Europe/London": "London"}
    assert zones_of("US")["America/New_York"] == "New York — Eastern (most areas)"
    assert zones_of("AU")["Australia/Perth"] == "Perth — Western Australia (most areas)"
    assert zones_of("XX") == {} and zones_of(None) == {}
    assert zone_label("America/Chicago") == "Chicago — Central (most areas)"


def test_old_names_a_browser_may_report_lead_to_the_listed_zone():
    assert ALIASES["Asia/Calcutta"] == "Asia/Kolkata"
    assert ALIASES["Europe/Kiev"] == "Europe/Kyiv"
    assert ALIASES["US/Eastern"] == "America/New_York"
    listed = {zone for zones in ZONES.values() for zone in zones}
    assert set(ALIASES.values()) <= listed and not set(ALIASES) & listed


# -- sign-up ----------------------------------------------------------------------------------


def test_signup_asks_the_country_and_offers_its_zones_once_chosen(client):
    page = text(client.get("/signup"))
    assert selected(page, "country") == []  # nothing silently chosen
    assert options(page, "country")[0] == "" and "Choose your country" in page
    assert {"GB", "US", "AU", "JP", "BR", "IS"} <= set(options(page, "country"))
    assert options(page, "timezone") == [""]
    zones = re.search(r'<select[^>]*name="timezone".*?</select>', page, re.S)
    assert zones and ">Choose your country first</option>" in zones.group(0)
    # What the country changes, as the content data has it: any country works.
    older = re.search(r"asks for an older age: ([^.]*)\.", page)
    assert older and "Australia" in older.group(1).split(", ")
    assert "Any country can be chosen." in page


def select_tag(page: str, name: str) -> str:
    """The opening tag of the select named ``name``, without the script's data."""
    tag = re.search(rf'<select[^>]*name="{name}"[^>]*>', page)
    assert tag is not None, f"no select {name}"
    return re.sub(r'data-[a-z]+="[^"]*"', "", tag.group(0))


def test_the_country_and_a_zone_to_choose_are_marked_required(client):
    """The placeholders "Choose your country" and "Choose a time zone" are not answers: the
    page says the fields are required, as the server does (before a country, the zone waits)."""
    page = text(client.get("/signup"))
    assert " required" in select_tag(page, "country")
    assert " required" not in select_tag(page, "timezone")
    asked = text(client.submit("/signup", data={**SIGNUP, "country": "AU", "timezone": ""}))
    assert "Australia has several time zones: choose yours." in asked
    assert " required" in select_tag(asked, "country")
    assert " required" in select_tag(asked, "timezone") and options(asked, "timezone")[0] == ""


@pytest.mark.parametrize(
    ("country", "zone", "shown"),
    [
        ("GB", "Europe/London", "London"),
        ("US", "America/Chicago", "Chicago — Central (most areas)"),
        ("AU", "Australia/Perth", "Perth — Western Australia (most areas)"),
        ("CA", "America/Vancouver", "Vancouver — MST - BC (most areas)"),
    ],
)
def test_signup_in_a_country_with_its_zone_shows_on_the_settings(app, client, country, zone, shown):
    response = client.submit("/signup", data={**SIGNUP, "country": country, "timezone": zone})
    assert response.status_code == 302, text(response)
    family = family_row(app)
    assert (family.country, family.timezone) == (country, zone)
    page = text(client.get("/family/settings"))
    assert selected(page, "country") == [country] and selected(page, "timezone") == [zone]
    assert f">{shown}</option>" in page
    placeholder = [""] if len(zones_of(country)) > 1 else []
    assert options(page, "timezone") == [*placeholder, *zones_of(country)]
    assert f"Country: {COUNTRIES[country]}" in text(client.get("/family/"))


@pytest.mark.parametrize("sent", ["", "Europe/London", "Atlantic/Reykjavik"])
def test_a_country_with_one_zone_needs_no_choice(app, client, sent):
    response = client.submit("/signup", data={**SIGNUP, "country": "IS", "timezone": sent})
    assert response.status_code == 302, text(response)
    family = family_row(app)
    assert (family.country, family.timezone) == ("IS", "Atlantic/Reykjavik")
    page = text(client.get("/family/settings"))
    assert options(page, "timezone") == ["Atlantic/Reykjavik"]  # no placeholder to choose


def test_a_zone_of_another_country_is_refused_and_what_was_typed_is_kept(app, client):
    before = snapshot(app)
    data = {**SIGNUP, "country": "US", "timezone": "Europe/London"}
    response = client.submit("/signup", data=data)
    page = text(response)
    assert response.status_code == 200
    assert "London is not a time zone in United States." in page
    assert 'aria-invalid="true"' in page and 'id="timezone-error"' in page
    assert 'value="Ada"' in page and 'value="The Lovelaces"' in page
    assert 'value="ada@example.org"' in page and PASSWORD not in page
    assert "A password is never sent back to the page" in page
    # The zones offered now are the chosen country's (the page without script reloads them).
    assert selected(page, "country") == ["US"]
    assert options(page, "timezone") == ["", *zones_of("US")]
    assert snapshot(app) == before


def test_a_country_with_several_zones_asks_which(app, client):
    response = client.submit("/signup", data={**SIGNUP, "country": "AU", "timezone": ""})
    page = text(response)
    assert response.status_code == 200
    assert "Australia has several time zones: choose yours." in page
    assert options(page, "timezone") == ["", *zones_of("AU")]
    response = client.submit(
        "/signup", data={**SIGNUP, "country": "AU", "timezone": "Australia/Sydney"}
    )
    assert response.status_code == 302
    assert family_row(app).timezone == "Australia/Sydney"


@pytest.mark.parametrize("country", ["", "XX", "gb", "Narnia"])
def test_no_country_or_an_unknown_one_is_refused(app, client, country):
    before = snapshot(app)
    response = client.submit(
        "/signup", data={**SIGNUP, "country": country, "timezone": "Europe/London"}
    )
    assert response.status_code == 200
    assert "Choose your country from the list." in text(response)
    assert snapshot(app) == before


# -- the family settings ------------------------------------------------------------------------


def test_settings_change_the_country_and_zone_and_tell_the_other_guardian(app, client):
    Auth(client).signup()
    grace = add_second_guardian(app, client)
    response = client.submit(
        "/family/settings",
        data={"country": "US", "timezone": "America/New_York"},
        follow_redirects=True,
    )
    page = text(response)
    assert "The family&#39;s settings are saved." in page
    assert selected(page, "country") == ["US"]
    assert selected(page, "timezone") == ["America/New_York"]
    assert ">New York — Eastern (most areas)</option>" in page
    with app.test_request_context():
        grace_id = db.session.scalars(
            sa.select(Guardian.id).where(Guardian.email == "grace@example.org")
        ).one()
        told = [
            read(note)
            for note in db.session.scalars(
                sa.select(Notification).where(Notification.guardian_id == grace_id)
            )
        ]
    assert any(
        "changed the country from United Kingdom to United States and the time zone from "
        "London to New York — Eastern (most areas)" in notice
        for notice in told
    ), told
    assert "Time zone: New York — Eastern (most areas)" in text(grace.get("/family/"))


def test_settings_refuse_a_zone_of_another_country_and_keep_the_rest(app, client):
    Auth(client).signup()
    before = snapshot(app)
    response = client.submit(
        "/family/settings",
        data={"country": "BR", "timezone": "Europe/London", "permit_min_checkins": "9"},
    )
    page = text(response)
    assert response.status_code == 200
    assert "London is not a time zone in Brazil. Choose one of Brazil&#39;s time zones." in page
    assert selected(page, "country") == ["BR"] and 'value="9"' in page
    assert options(page, "timezone") == ["", *zones_of("BR")]
    assert snapshot(app) == before
    # Japan has one zone: whatever zone the page still sends, Japan's is taken.
    response = client.submit(
        "/family/settings",
        data={"country": "JP", "timezone": "Europe/London", "permit_min_checkins": "9"},
    )
    assert response.status_code == 302
    family = family_row(app)
    assert (family.country, family.timezone, family.permit_min_checkins) == ("JP", "Asia/Tokyo", 9)


def test_a_zone_saved_before_it_had_to_match_the_country_is_shown_and_must_be_chosen_again(
    app, client
):
    Auth(client).signup()
    with app.app_context():
        db.session.execute(sa.update(Family).values(timezone="America/New_York"))
        db.session.commit()
    page = text(client.get("/family/settings"))
    assert selected(page, "timezone") == ["America/New_York"]
    assert "New York — Eastern (most areas) (as saved; choose one of the list)" in page
    kept = client.submit("/family/settings", data={"country": "GB", "timezone": "America/New_York"})
    assert kept.status_code == 200
    assert "New York — Eastern (most areas) is not a time zone in United Kingdom." in text(kept)
    assert family_row(app).timezone == "America/New_York"
    moved = client.submit("/family/settings", data={"country": "GB", "timezone": "Europe/London"})
    assert moved.status_code == 302
    assert family_row(app).timezone == "Europe/London"


# -- the scripts, from this site only ---------------------------------------------------------


def scripts(page: str) -> list[str]:
    """The src of every script element; an inline one would have none."""
    found = []
    for attributes in SCRIPT_TAG.findall(page):
        src = re.search(r'src="([^"]+)"', attributes)
        assert src is not None, f"inline script: {attributes}"
        found.append(src.group(1))
    return found


INSTALL = "/static/install.js"  # every page registers the service worker


def test_the_pages_load_their_scripts_from_this_site_under_the_same_policy(app, client):
    signup = client.get("/signup")
    assert scripts(text(signup)) == [INSTALL, "/static/places.js"]
    assert signup.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    Auth(client).signup()
    settings = client.get("/family/settings")
    assert scripts(text(settings)) == [INSTALL, "/static/places.js"]
    invite = client.submit("/family/invites")
    assert scripts(text(invite)) == [INSTALL, "/static/share.js"]
    calendar = client.submit("/family/calendar")
    assert scripts(text(calendar)) == [INSTALL, "/static/share.js"]
    for response in (settings, invite, calendar):
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    for name in ("install.js", "places.js", "share.js"):
        served = client.get(f"/static/{name}")
        assert served.status_code == 200 and "javascript" in served.headers["Content-Type"]
        assert "http" not in text(served)  # nothing fetched from anywhere else
        served.close()


@pytest.mark.parametrize(
    ("post", "box"), [("/family/invites", "invite-link"), ("/family/calendar", "calendar-link")]
)
def test_links_work_without_script_and_the_buttons_wait_for_it(client, post, box):
    Auth(client).signup()
    page = text(client.submit(post))
    assert re.search(
        rf'<input class="input" id="{box}" type="text" readonly value="https?://', page
    )
    tools = re.search(rf'<div class="actions-left link-tools" data-share-for="{box}"[^>]*>', page)
    assert tools is not None and " hidden" in tools.group(0)  # shown by share.js only
    assert "data-copy hidden>Copy the link</button>" in page
    assert "data-share hidden>Share…</button>" in page
    assert '<p class="copied" role="status" data-copied></p>' in page
