"""The stages' own words (labels, meanings, requirements, checklist items, what is missing,
the engine's refusals, history sentences) and the names of countries and time zones are said
in the page's language: in the pseudo-language each is wrapped, or is CLDR's own name."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from babel import Locale
from flask import Flask, render_template_string

from supervisor.content.places import COUNTRIES, countries_in, zone_label, zones_of
from supervisor.stages.base import N_, Nn_, StageKey, Words
from supervisor.stages.instruction import STAGE as INSTRUCTION
from supervisor.stages.schedule import Rhythm
from supervisor.words import say
from tests.conftest import PASSWORD, Auth, Client, text
from tests.pseudo_locale import PSEUDO, unwrapped_text, wrap
from tests.test_pseudo_locale import pseudo_app, pseudo_catalog  # noqa: F401  (fixtures)
from tests.test_tracks import Family, start_family

CHECKLIST = wrap("Guardian checklist ticked")
PERMIT = wrap("Learner's permit")
# What is missing is one message holding the requirement's label and its count, each wrapped.
MISSING = wrap(f"{CHECKLIST}: {wrap('2 checklist items to tick')}")


def readable(page: str) -> str:
    """The page's text as read: tags out, entities as characters, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture
def pseudo_family(pseudo_app: Flask) -> Family:  # noqa: F811
    """A family with a track in instruction (lessons done, checklist not), whose guardian and
    tablet read the pseudo-language."""
    family = start_family(pseudo_app)
    for client in (family.guardian, family.tablet):
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = PSEUDO
    return family


def test_the_guardians_track_page_says_the_stages_words_in_the_page_language(pseudo_family):
    page = readable(text(pseudo_family.guardian.get(f"/family/tracks/{pseudo_family.track_id}")))
    assert wrap(INSTRUCTION.meaning) in page
    assert f"{CHECKLIST} {wrap('not met yet')}" in page  # the requirement, in the list
    assert wrap("Every core lesson done with a passing quiz") in page
    assert f"{wrap('Still missing, in order:')} {MISSING}" in page
    assert wrap("We chose which network fits, and why") in page  # a built-in checklist item
    assert wrap(f"Needed for {PERMIT}") in page
    assert wrap(f"Ada started this track at {wrap('Instruction')}.") in page  # the history
    for english in ("Guardian checklist ticked", "Learner's permit", "School first"):
        assert english not in page.replace(wrap(english), "").replace(wrap(INSTRUCTION.meaning), "")


def test_the_family_page_and_the_childs_pages_say_them_too(pseudo_family):
    track = pseudo_family.track_id
    home = readable(text(pseudo_family.guardian.get("/family/")))
    assert MISSING in home and wrap("Instruction") in home
    child = text(pseudo_family.tablet.get(f"/me/tracks/{track}"))
    assert wrap(INSTRUCTION.meaning) in readable(child)
    assert wrap(f"Needed for {PERMIT}") in readable(child)
    assert wrap("they tick 2 items on their checklist") in readable(child)
    # Nothing else is left unwrapped but names and the history's times.
    shown = [t for t in unwrapped_text(child) if not re.fullmatch(r"\d+ \w+ \d{4}, \d\d:\d\d", t)]
    assert shown == ["Instagram · Supervisor", "Supervisor", "Mo", "Instagram"]


def test_a_refused_sign_off_says_what_is_missing_in_the_page_language(pseudo_family):
    response = pseudo_family.guardian.submit(
        f"/family/tracks/{pseudo_family.track_id}/sign-off",
        data={"from_stage": "instruction", "reauth_password": PASSWORD},
    )
    assert response.status_code == 422
    assert wrap(f"Not everything is done yet: {MISSING}.") in readable(text(response))


def test_a_checklist_item_the_family_wrote_is_shown_as_written(pseudo_family):
    track = pseudo_family.track_id
    pseudo_family.guardian.submit(
        f"/family/tracks/{track}/checklist/new", data={"label": "Phones charge downstairs"}
    )
    page = readable(text(pseudo_family.guardian.get(f"/family/tracks/{track}")))
    assert "Phones charge downstairs" in page and wrap("Phones charge downstairs") not in page


def test_say_renders_words_with_plurals_and_nested_words(pseudo_app):  # noqa: F811
    left = Nn_("%(num)d lesson to pass", "%(num)d lessons to pass", 2)
    line = Words.of(N_("%(requirement)s: %(missing)s"), requirement=Words.of("x"), missing=left)
    moved = Words.of(N_("%(who)s signed off: %(from_stage)s → %(to_stage)s."), who="Ada",
                     from_stage=StageKey.INSTRUCTION, to_stage=StageKey.PERMIT)  # fmt: skip
    assert str(line) == "x: 2 lessons to pass"
    with pseudo_app.test_request_context(headers={"Accept-Language": PSEUDO}):
        assert say(left) == wrap("2 lessons to pass")
        assert say(line) == wrap(f"x: {wrap('2 lessons to pass')}")
        assert say(moved) == wrap(f"Ada signed off: {wrap('Instruction')} → {PERMIT}.")
        assert say("as it is") == "as it is" and say(None) == ""
        assert render_template_string("{{ s | stage_label }}", s=StageKey.LICENCE) == wrap(
            "Licence"
        )
    with pseudo_app.test_request_context():
        assert say(left) == "2 lessons to pass"


# -- countries and zones -----------------------------------------------------------------------


def _options(page: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert select is not None
    return [
        (value, unescape(label))
        for value, label in re.findall(
            r'<option(?: selected)? value="([^"]*)">([^<]*)</option>', select.group(0)
        )
    ]


def test_sign_up_names_the_countries_in_esperanto_sorted_so(pseudo_app):  # noqa: F811
    client = pseudo_app.test_client()
    assert isinstance(client, Client)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = PSEUDO
    shown = dict(_options(text(client.get("/signup")), "country")[1:])
    esperanto = Locale.parse(PSEUDO).territories
    assert shown["GB"] == esperanto["GB"] == "Unuiĝinta Reĝlando"
    assert shown["DE"] == esperanto["DE"] and shown["DE"] != COUNTRIES["DE"]
    assert set(shown) == set(COUNTRIES) and list(shown.items()) == list(
        countries_in(PSEUDO).items()
    )
    assert "United Kingdom" not in shown.values()
    # Alphabetical in Esperanto: "ĉ" is a letter of its own, after "c" and before "d" (not
    # after "z", where its code point would put it); other accents sort with their letter.
    names = list(shown.values())
    order = ["Centr-Afriko", "Ĉado", "Ĉeĥujo", "Ĉilio", "Danujo"]
    assert [names.index(name) for name in order] == sorted(names.index(name) for name in order)
    assert names.index("Gvineo") < names.index("Ĝibraltaro") < names.index("Haitio")


def test_a_zone_and_country_named_in_the_page_language_english_as_before(pseudo_app):  # noqa: F811
    assert zone_label("America/New_York") == "New York — Eastern (most areas)"
    assert zone_label("America/New_York", "en") == zone_label("America/New_York")
    assert countries_in("en") is COUNTRIES and zones_of("GB", "en") == {"Europe/London": "London"}
    assert zone_label("America/New_York", PSEUDO) == "Nov-Jorko — orienta nordamerika tempo"
    assert zones_of("GB", PSEUDO) == {"Europe/London": "Londono"}
    assert zone_label("Asia/Calcutta", PSEUDO) == "Asia/Calcutta"  # an alias: not listed
    with pseudo_app.test_request_context(headers={"Accept-Language": PSEUDO}):
        assert render_template_string("{{ 'Europe/London' | zone_label }}") == "Londono"
    auth = Auth(pseudo_app.test_client())
    auth.signup()
    auth.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = PSEUDO
    home = readable(text(auth.client.get("/family/")))
    assert wrap("Country: Unuiĝinta Reĝlando") in home and wrap("Time zone: Londono") in home


def test_a_check_in_rhythm_is_said_in_the_page_language(pseudo_app):  # noqa: F811
    weekly = Rhythm("weekly", 0, 0, "18:00", date(2026, 3, 9))
    monthly = Rhythm("monthly", 0, 4, "09:30", date(2026, 3, 9))
    every = Rhythm("days", 10, 0, "18:00", date(2026, 3, 9))
    assert [str(r.describe()) for r in (weekly, monthly, every)] == [
        "Every week, Mondays at 18:00",
        "The first Friday of each month at 09:30",
        "Every 10 days at 18:00",
    ]
    with pseudo_app.test_request_context(headers={"Accept-Language": PSEUDO}):
        assert say(weekly.describe()) == wrap(f"{wrap('Every week')}, {wrap('Mondays')} at 18:00")
        assert say(monthly.describe()) == wrap(f"The first {wrap('Friday')} of each month at 09:30")
        assert say(every.describe()) == wrap("Every 10 days at 18:00")
