"""Pages in the pseudo-language show no words that were never marked for translation: what
is left outside ``⟦…⟧`` is the family's own words or content, listed per page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import get_month_names
from flask import Flask, render_template_string

from supervisor.content.places import COUNTRIES as PLACES
from supervisor.content.places import zones_in
from supervisor.extensions import db
from tests.conftest import Auth, Client, make_app, text
from tests.pseudo_locale import EDGES, PSEUDO, build_catalog, unwrapped_text, wrap

Prepare = Callable[[Auth], None]


@dataclass(frozen=True)
class Page:
    """A page to read in the pseudo-language, and the words it may show unwrapped."""

    path: str
    allowed: frozenset[str] = frozenset()  # names the family typed, content, the app's name
    prepare: Prepare | None = None  # who is signed in, what exists


def _signed_up(auth: Auth) -> None:
    auth.signup()


# Every page whose template is wrapped. Adding a page is one line; the whole route table
# joins once wrapping is complete. A page still being wrapped is marked ``xfail`` (strict: it
# fails here the day it is wrapped whole, so its mark is dropped then).
MONTHS = frozenset(get_month_names("wide", context="stand-alone", locale=PSEUDO).values())
# So are the countries' names (the sign-up's list): CLDR's, in the page's language, as the
# reader reads them (without the punctuation at either end: "Honkongo (SAR de Ĉinujo").
COUNTRIES = frozenset(EDGES.sub("", Locale.parse(PSEUDO).territories[code]) for code in PLACES)
# And the time zones, by their cities and CLDR's names of their times.
ZONES = frozenset(
    EDGES.sub("", name) for zones in zones_in(PSEUDO).values() for name in zones.values()
)
# The app's name, the guardian's name and the family's name the sign-up typed.
FAMILY = frozenset({"Supervisor", "Ada", "The Lovelaces"})
PAGES = [
    pytest.param(Page("/login", frozenset({"Supervisor"})), id="sign-in"),
    pytest.param(Page("/signup", frozenset({"Supervisor"}) | COUNTRIES), id="sign-up"),
    pytest.param(Page("/account", FAMILY | {"English", "Esperanto"}, _signed_up), id="account"),
    pytest.param(Page("/family/", FAMILY | {"The Lovelaces · Supervisor"}, _signed_up), id="home"),
    pytest.param(Page("/family/devices/", FAMILY, _signed_up), id="tablets"),
    pytest.param(Page("/family/settings", FAMILY | COUNTRIES | ZONES, _signed_up), id="settings"),
    # Months are Babel's own (CLDR), in the page's language: not English, not the catalog's.
    pytest.param(Page("/family/children/new", FAMILY | MONTHS, _signed_up), id="add-child"),
]


@pytest.fixture(scope="session")
def pseudo_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_catalog(tmp_path_factory.mktemp("pseudo-translations"))


@pytest.fixture
def pseudo_app(app: Flask, pseudo_catalog: Path) -> Iterator[Flask]:
    """An app (on the emptied test database) that offers the pseudo-language and reads its
    catalog from the folder the fixture built."""
    own = make_app(
        app.config["DATABASE_URL"],
        LANGUAGES=("en", PSEUDO),
        BABEL_TRANSLATION_DIRECTORIES=str(pseudo_catalog),
    )
    yield own
    with own.app_context():
        db.engine.dispose()


@pytest.fixture
def pseudo_client(pseudo_app: Flask) -> Client:
    """A browser that asks for the pseudo-language."""
    client = pseudo_app.test_client()
    assert isinstance(client, Client)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = PSEUDO
    return client


@pytest.mark.parametrize("page", PAGES)
def test_a_wrapped_page_shows_nothing_unmarked(pseudo_client: Client, page: Page) -> None:
    if page.prepare:
        page.prepare(Auth(pseudo_client))
    response = pseudo_client.get(page.path)
    assert response.status_code == 200
    assert [t for t in unwrapped_text(text(response)) if t not in page.allowed] == []


def test_the_language_setting_is_wrapped_but_the_names_of_languages(pseudo_client):
    """The account page's language form, which is wrapped: only the languages' own names
    (each written in its own language, never translated) stand outside the marks."""
    Auth(pseudo_client).signup()
    page = text(pseudo_client.get("/account"))
    start, end = (
        page.index('<h2 id="language">'),
        page.index("</form>", page.index('id="language"')),
    )
    form = page[start:end]
    assert wrap("Save language") in form and wrap("Language") in form
    assert unwrapped_text(form) == ["English", "Esperanto"]


def test_the_catalog_keeps_placeholders_and_plurals(pseudo_app):
    with pseudo_app.test_request_context(headers={"Accept-Language": PSEUDO}):
        assert render_template_string("{{ _('Language') }}") == wrap("Language")
        # Placeholders stay placeholders, filled after the lookup.
        assert render_template_string("{{ _('Hi %(name)s!', name='Mo') }}") == wrap("Hi Mo!")
        # A message the catalog lacks is shown as it is, which is what the test looks for.
        unknown = "{{ _('Nobody wrote %(this)s.', this='this') }}"
        assert render_template_string(unknown) == "Nobody wrote this."


@dataclass
class Sample:
    html: str
    unwrapped: list[str] = field(default_factory=list)


SAMPLES = [
    Sample("<p>⟦Sign in⟧</p>"),
    Sample("<p>⟦Read <a href='/a'>the agreement</a>.⟧</p>"),  # a message holding markup
    Sample("<p>⟦Hi Mo!⟧ 12 · 3:45, — (2/3)</p>"),  # digits and punctuation are nothing to say
    Sample("<script>let label = 'Sign in';</script><style>p::after{content:'x'}</style>"),
    Sample("<p>Sign in</p>", ["Sign in"]),
    Sample("<p>⟦Hello⟧, Ada and ⟦welcome⟧</p>", ["Ada and"]),
    Sample("<button aria-label='Close'>&times;</button>", ["Close"]),
    Sample("<img alt='⟦A fox⟧'><input placeholder='you@example.org'>", ["you@example.org"]),
    Sample("<p>\n   Two\n   lines\n</p>", ["Two lines"]),
]


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.html[:40] for s in SAMPLES])
def test_unwrapped_text_finds_what_no_mark_holds(sample: Sample) -> None:
    assert unwrapped_text(sample.html) == sample.unwrapped
