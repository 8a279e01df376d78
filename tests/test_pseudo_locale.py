# ruff: noqa: F811 - the tests take the world fixtures imported from tests/world.py
"""Pages in the pseudo-language show no words that were never marked for translation: what
is left outside ``⟦…⟧`` is the family's own words, Babel's, content, or words other changes
are making translatable (``tests/allowed_words.py`` says which).

Every GET endpoint of the route table is read, in the world of the route tests
(``tests/world.py``), as the first actor who gets a page, and every POST endpoint's answer to
an empty form; so are the pages of later states (a track at the permit, a sign-off asked for,
a quiz answered, the licence), the error pages, the page after each main form with its
message, every mail the app sends, the unsubscribe page, the calendar feed's titles and the
app's manifest. A GET endpoint that is neither read nor listed in ``NOT_READ`` with its
reason fails ``test_every_get_endpoint_is_read``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
import sqlalchemy as sa
from flask import Flask, render_template_string
from markupsafe import escape

from supervisor import links
from supervisor.content.lessons import LESSONS
from supervisor.db import metadata
from supervisor.extensions import db
from supervisor.mail import outbox, unsubscribe
from supervisor.mail.topics import Topic
from supervisor.models import CheckIn, Guardian, LearningMoment, OutboxMessage
from supervisor.notices import headline, mail_notice
from tests.allowed_words import (
    APP_NAME,
    BABEL_WORDS,
    WTFORMS_WORDS,
    Allowance,
)
from tests.conftest import Auth, Client, make_app, text
from tests.pseudo_locale import EDGES, PSEUDO, ROOT, build_catalog, unwrapped_text, wrap
from tests.test_checkins import record
from tests.test_permit import (  # noqa: F401 - a fixture used by name
    MONDAY_EVENING,
    agree_schedule,
    move_to,
    permit,
)
from tests.test_tracks import Family, family, sign_off  # noqa: F401 - a fixture used by name
from tests.world import (  # noqa: F401 - fixtures used by name
    ACTORS,
    ANON,
    CHILD,
    COOKIES,
    OUTSIDER,
    OWNER,
    ROUTES,
    build_world,
    frozen_world_time,
    saved_world,
)

# What the family typed, column by column: it stands as typed in every language.
TYPED = {
    "family": ("name",),
    "child": ("display_name",),
    "family_checklist_item": ("label",),
    "family_prompt": ("text",),
    "guardian": ("name", "email"),
    "device": ("name",),
    "invite": ("email",),
    "checkin": ("shared_notes", "private_notes", "reason"),
    "checkin_note": ("text",),
    "learning_moment": ("what_happened", "reflection", "withdrawn_reason"),
    "track": ("other_name", "request_note", "removed_reason"),
    "track_event": ("reason",),
    "walkthrough_answer": ("note",),
}


def world_allowance(app: Flask) -> Allowance:
    """What the pages of the world in ``app``'s database may show unmarked: the app's name,
    Babel's words and what its family typed."""
    rows = _rows(app)
    typed = {
        EDGES.sub("", " ".join(value.split()))
        for table, columns in TYPED.items()
        for row in rows.get(table, [])
        for column in columns
        if isinstance(value := row[column], str)
    }
    words = {APP_NAME, *BABEL_WORDS, *WTFORMS_WORDS, *typed}
    return Allowance(frozenset(words))


# Every GET endpoint of the route table, read by the first actor who gets its page: a 200, or
# else the page that says why not (409: the world's track is at instruction; 410: a made-up
# link). Where nobody gets a page of words, the reason is here instead.
NOT_READ = {
    "lessons.resume": "a redirect to the lesson's page, which is read",
    "calendar.feed": "a made-up link: the feed of a real one is read below",
    "mail_choices.unsubscribe": "a made-up link: the page of a real one is read below",
    "health.health": "JSON for the machines that watch the app",
    "installable.manifest": "JSON: its words are read below",
    "installable.service_worker": "a script with no words in it",
}
SHOWN = (200, 409, 410)


def _reader(
    statuses: tuple[int | str, ...], shown: tuple[int, ...] = SHOWN
) -> tuple[str, int] | None:
    """The first actor (anonymous, guardian, ..., child) who gets a page, by status."""
    for wanted in shown:
        for actor, status in zip(ACTORS, statuses, strict=True):
            if status == wanted:
                return actor, wanted
    return None


ROUTE_PAGES = [
    pytest.param(
        endpoint,
        *found,
        id=f"{endpoint}-{found[0]}",
    )
    for endpoint, methods in ROUTES.items()
    if "GET" in methods and endpoint not in NOT_READ and (found := _reader(methods["GET"]))
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


def test_every_get_endpoint_is_read(app):
    """A new page joins the check: each GET endpoint is read, or says here why not."""
    gets = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and "GET" in (rule.methods or ())
    }
    read = {case.values[0] for case in ROUTE_PAGES}
    assert not read & set(NOT_READ)
    assert gets == read | set(NOT_READ)


@pytest.mark.parametrize(("endpoint", "actor", "status"), ROUTE_PAGES)
def test_every_page_shows_nothing_unmarked(
    pseudo_app, saved_world, frozen_world_time, endpoint, actor, status
):
    world = build_world(pseudo_app, actor, saved_world)
    world.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = PSEUDO
    response = world.client.get(world.url(pseudo_app, endpoint))
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert world_allowance(pseudo_app).unmarked(text(response)) == []


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
    # What a script shows, from the page's data-text-* attributes; other data is not words.
    Sample("<div data-text-copied='Copied.' data-zones='{}'></div>", ["Copied"]),
]


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.html[:40] for s in SAMPLES])
def test_unwrapped_text_finds_what_no_mark_holds(sample: Sample) -> None:
    assert unwrapped_text(sample.html) == sample.unwrapped


def _rows(app: Flask) -> dict[str, list[dict[str, object]]]:
    with app.app_context():
        return {
            table.name: [dict(row._mapping) for row in db.session.execute(sa.select(table))]
            for table in metadata.sorted_tables
        }


def _as(pseudo_app: Flask, client: Client) -> Client:
    """A browser of the pseudo app with ``client``'s cookies (the apps share a database and a
    secret), asking for the pseudo-language."""
    own = pseudo_app.test_client()
    assert isinstance(own, Client)
    for name in COOKIES:
        if cookie := client.get_cookie(name):
            own.set_cookie(name, cookie.value)
    own.environ_base["HTTP_ACCEPT_LANGUAGE"] = PSEUDO
    return own


@pytest.fixture
def at_permit(app, clock, permit) -> dict[str, object]:
    """The permit fixture's track with a schedule both agreed, a check-in recorded, a
    walkthrough begun and a learning moment; the ids its pages need."""
    agree_schedule(permit)
    move_to(permit, clock, MONDAY_EVENING)
    guardian, track = permit["guardian"], permit["track"]
    assert record(permit, "2026-03-09").status_code == 302
    started = guardian.submit(f"/family/tracks/{track}/walkthrough")
    run_id = int(started.headers["Location"].rstrip("/").split("/")[-2])
    guardian.submit(
        f"/family/tracks/{track}/moments/new",
        data={"kind": "too_long", "what_happened": "Scrolled until midnight.", "lesson": ""},
    )
    with app.app_context():
        checkin_id = db.session.scalars(sa.select(CheckIn.id)).one()
        moment_id = db.session.scalars(sa.select(LearningMoment.id)).one()
    guardian.get("/family/")  # the message after the last form, shown in English
    ids = {
        "track_id": track,
        "child_id": permit["child"],
        "run_id": run_id,
        "step": 0,
        "checkin_id": checkin_id,
        "moment_id": moment_id,
    }
    return {**permit, "ids": ids}


# The pages of a track at the permit, which the route tests' world (at instruction) shows
# only as refusals: as the guardian ("guardian") or the child on the tablet ("tablet").
PERMIT_PAGES = [
    ("tracks.show", "guardian"),
    ("family.home", "guardian"),
    ("permit.walkthrough_step", "guardian"),
    ("permit.monitoring", "guardian"),
    ("permit.checkin_schedule", "guardian"),
    ("permit.record_checkin", "guardian"),
    ("permit.checkin_together", "guardian"),
    ("permit.correct_checkin", "guardian"),
    ("permit.add_moment", "guardian"),
    ("permit.withdraw_moment", "guardian"),
    ("permit.agreement", "guardian"),
    ("tracks.card", "guardian"),
    ("child.track", "tablet"),
    ("child.home", "tablet"),
    ("child.agreement", "tablet"),
    ("child.card", "tablet"),
]


@pytest.mark.parametrize(("endpoint", "who"), PERMIT_PAGES, ids=[e for e, _w in PERMIT_PAGES])
def test_every_permit_page_shows_nothing_unmarked(pseudo_app, at_permit, endpoint, who):
    rule = next(r for r in pseudo_app.url_map.iter_rules() if r.endpoint == endpoint)
    ids = at_permit["ids"]
    url = rule.build({k: v for k, v in ids.items() if k in rule.arguments})[1]
    response = _as(pseudo_app, at_permit[who]).get(url)
    assert response.status_code == 200, text(response)[:500]
    found = world_allowance(pseudo_app).unmarked(text(response))
    assert found == []


MAIL_KINDS = sorted(
    path.stem
    for path in (ROOT / "templates" / "mail").glob("*.txt")
    if not path.stem.startswith("_")
)
NOTICE = "Bea changed their sign-in email."  # a notice's stored text: pending elsewhere
AT = datetime(2026, 3, 9, 18, 0, tzinfo=UTC)


def _send_every_mail(guardian: Guardian) -> None:
    """Each kind of mail the app sends, as its senders call it (the sign-up sent the
    confirmation already)."""
    url = links.absolute_url("auth.login")
    outbox.to_guardian(
        "address_change_asked", guardian, new_email="ada@new.example.org", sign_in_url=url
    )
    outbox.to_guardian(
        "address_changed", guardian, new_email="ada@new.example.org", old_email=guardian.email
    )
    outbox.to_guardian(
        "confirm_new_address",
        guardian,
        new_email="ada@new.example.org",
        old_email=guardian.email,
        url=url,
        lifetime_days=2,
    )
    outbox.to_guardian("password_changed", guardian, changed_at=AT, sign_in_url=url, forgot_url=url)
    outbox.to_guardian("password_reset", guardian, url=url, minutes=30)
    outbox.queue(
        "invite",
        "bea@example.org",
        family_id=guardian.family_id,
        inviter="Ada",
        family_name="The Lovelaces",
        url=url,
        expires_at=AT,
        needs_approval=True,
    )
    said = {"child": "Mo", "track": "Instagram"}
    mail_notice(guardian, Topic.CHECKIN_TOMORROW, "checkin_tomorrow", at=AT, **said)
    mail_notice(guardian, Topic.CHECKIN_OVERDUE, "checkin_overdue", day=AT.date(), **said)
    for topic in (Topic.SECURITY, Topic.REFLECTION):  # a security notice has no unsubscribe
        mail_notice(guardian, topic, "notice", headline=headline(topic, NOTICE), text=NOTICE)
    db.session.flush()


def test_every_mail_shows_nothing_unmarked(pseudo_app, pseudo_client):
    """Every kind of mail, its subject and both parts, in the language of the request that
    sends it; links, names and the notice's stored text may stand unmarked."""
    Auth(pseudo_client).signup()
    allowance = Allowance(
        frozenset(
            {
                APP_NAME,
                *BABEL_WORDS,
                "Ada",
                "Mo",
                "Bea",
                "The Lovelaces",
                "ada@example.org",
                "ada@new.example.org",
                NOTICE,
            }
        )
    )
    with pseudo_app.test_request_context(headers={"Accept-Language": PSEUDO}):
        guardian = db.session.scalars(sa.select(Guardian)).one()
        _send_every_mail(guardian)
        messages = db.session.scalars(sa.select(OutboxMessage)).all()
        found = {
            (message.kind, part): unmarked
            for message in messages
            for part, body in (
                ("subject", message.subject),
                ("text", message.text_body),
                ("html", message.html_body),
            )
            if (unmarked := allowance.unmarked(escape(body) if part != "html" else body))
        }
        kinds = sorted({message.kind for message in messages})
        db.session.rollback()
    assert kinds == MAIL_KINDS
    assert found == {}


def test_the_unsubscribe_page_shows_nothing_unmarked(pseudo_app, pseudo_client):
    """The page a mail's unsubscribe link opens (a real link: the route table's is made up)."""
    Auth(pseudo_client).signup()
    with pseudo_app.app_context():
        guardian = db.session.scalars(sa.select(Guardian)).one()
        token = unsubscribe.token(guardian.id, Topic.REFLECTION)
    allowance = Allowance(frozenset({APP_NAME, "Ada", "The Lovelaces", "ada@example.org"}))
    response = pseudo_client.get(f"/mail/unsubscribe/{token}")
    assert response.status_code == 200
    assert allowance.unmarked(text(response)) == []


def test_the_calendar_feed_titles_show_nothing_unmarked(pseudo_app, at_permit):
    """The calendar's name and each check-in's title, in the language its link names (that
    of the page it was made on: tests/test_checkins.py); the family's and the child's names
    and the platform stand as they are."""
    page = text(at_permit["guardian"].submit("/family/calendar"))
    feed = re.search(r'value="https?://[^/]+(/calendar/[^"]+\.ics)"', page).group(1)
    reader = pseudo_app.test_client()
    calendar = icalendar.Calendar.from_ical(reader.get(f"{feed}?lang={PSEUDO}").data)
    titles = [str(calendar["X-WR-CALNAME"])]
    for event in calendar.walk("VEVENT"):
        titles += [str(event["SUMMARY"]), *(str(a["DESCRIPTION"]) for a in event.walk("VALARM"))]
    assert len(titles) > 1
    allowance = world_allowance(pseudo_app)
    assert {title: found for title in titles if (found := allowance.unmarked(escape(title)))} == {}


def test_the_manifest_shows_nothing_unmarked(pseudo_client):
    """What the tablet shows when the app is installed: its name and description."""
    manifest = pseudo_client.get("/manifest.webmanifest").get_json()
    words = [manifest["name"], manifest["short_name"], manifest["description"]]
    allowance = Allowance(frozenset({APP_NAME}))
    assert [word for word in words if allowance.unmarked(escape(word))] == []


# The main forms, as the guardian sends them: the page each leads to (with its message) shows
# nothing unmarked either.
CHILD_FORM = {"display_name": "Lu", "avatar": "fox", "colour": "sky", "birth_year": "2015",
              "birth_month": "5"}  # fmt: skip
FORMS = [
    pytest.param("family.add_child", CHILD_FORM, id="add-child"),
    pytest.param("family.set_pin", {"pin": "5937", "confirm": "5937"}, id="set-pin"),
    pytest.param("devices.index", {"name": "Hall tablet"}, id="tablet"),
    pytest.param("family.create_invite", {}, id="invite"),
    pytest.param("calendar.new_link", {}, id="calendar-link"),
    # The family settings page lists countries.
    pytest.param("family.rename", {"name": "The Byrons"}, id="rename"),
    pytest.param(
        "permit.add_moment",
        {"kind": "too_long", "what_happened": "Played past bedtime.", "lesson": ""},
        id="moment",
    ),
    pytest.param(
        "family_lessons.prompt_bank",
        {"text": "What made you laugh?", "stage": "instruction", "topic": "time"},
        id="prompt",
    ),
]


@pytest.mark.parametrize(("endpoint", "data"), FORMS)
def test_the_page_after_a_form_shows_nothing_unmarked(
    pseudo_app, saved_world, frozen_world_time, endpoint, data
):
    world = build_world(pseudo_app, OWNER, saved_world)
    world.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = PSEUDO
    response = world.client.submit(
        world.url(pseudo_app, endpoint), data=data, follow_redirects=True
    )
    assert response.status_code == 200
    assert len(response.history) == (0 if endpoint.endswith(("invite", "new_link")) else 1)
    assert world_allowance(pseudo_app).unmarked(text(response)) == []


# Every POST endpoint of the route table, sent an empty form by the first actor who gets a page
# back (a form with its errors, a refusal, a link that no longer works); a redirect is read in
# the tests of the main forms above. Country lists wait as on the pages above.
NOT_A_PAGE = {"family.export_data": "the family's data, as JSON for the family to keep"}
ANSWERS = [
    pytest.param(
        endpoint,
        *found,
        id=f"{endpoint}-{found[0]}",
    )
    for endpoint, methods in ROUTES.items()
    if "POST" in methods
    and endpoint not in NOT_A_PAGE
    and (found := _reader(methods["POST"], (200, 400, 409, 410)))
]


@pytest.mark.parametrize(("endpoint", "actor", "status"), ANSWERS)
def test_every_answer_to_an_empty_form_shows_nothing_unmarked(
    pseudo_app, saved_world, frozen_world_time, endpoint, actor, status
):
    world = build_world(pseudo_app, actor, saved_world)
    world.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = PSEUDO
    response = world.client.submit(world.url(pseudo_app, endpoint), data={})
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert world_allowance(pseudo_app).unmarked(text(response)) == []


def test_a_character_that_cannot_be_saved_is_refused_in_marked_words(
    pseudo_app, saved_world, frozen_world_time
):
    world = build_world(pseudo_app, OWNER, saved_world)
    world.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = PSEUDO
    response = world.client.submit("/family/devices/", data={"name": "Hall\x00tablet"})
    assert response.status_code == 400
    assert world_allowance(pseudo_app).unmarked(text(response)) == []


@pytest.mark.parametrize(
    ("actor", "path", "status"),
    [(ANON, "/no-such-page", 404), (CHILD, "/family/", 403), (OUTSIDER, "/family/tracks/1", 404)],
    ids=["not-found", "not-for-this-profile", "another-familys"],
)
def test_the_error_pages_show_nothing_unmarked(
    pseudo_app, saved_world, frozen_world_time, actor, path, status
):
    world = build_world(pseudo_app, actor, saved_world)
    # The sign-up's welcome waits in Eve's session, said in English when the world was built.
    world.client.get("/", follow_redirects=True)
    world.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = PSEUDO
    response = world.client.get(path)
    assert response.status_code == status
    assert world_allowance(pseudo_app).unmarked(text(response)) == []


LESSON = next(iter(LESSONS.values()))


def _asked(app: Flask, family: Family) -> list[tuple[Client, str]]:
    """Every lesson passed and the child's sign-off request waiting; a quiz answered."""
    tablet = family.tablet
    tablet.submit(f"/me/tracks/{family.track_id}/request", data={"note": "Please!"})
    quiz = f"/me/lessons/{LESSON.key}/{len(LESSON.steps)}"
    tablet.submit(quiz, data={"choice": "0"})
    tablet.submit(quiz, data={"choice": "1"})
    return [
        (family.guardian, "/family/"),
        (family.guardian, f"/family/tracks/{family.track_id}"),
        (family.guardian, f"/family/children/{family.child_id}/lessons"),
        (tablet, f"/me/tracks/{family.track_id}"),
        (tablet, "/me/"),
        (tablet, "/me/lessons/"),
        (tablet, quiz),
        (tablet, f"/me/lessons/{LESSON.key}/{LESSON.length}"),
    ]


def _at_licence(app: Flask, family: Family) -> list[tuple[Client, str]]:
    """The track signed off to the licence, a connection chosen, a refresher asked for."""
    for stage in ("instruction", "permit"):
        sign_off(family.guardian, family.track_id, stage, override_reason="ready")
    family.tablet.submit(
        f"/me/tracks/{family.track_id}/connections", data={"connection": ["monthly_chat"]}
    )
    family.guardian.submit(f"/family/tracks/{family.track_id}/refresher", data={"on": "y"})
    return [
        (family.guardian, "/family/"),
        (family.guardian, f"/family/tracks/{family.track_id}"),
        (family.guardian, f"/family/children/{family.child_id}/card"),
        (family.tablet, f"/me/tracks/{family.track_id}"),
        (family.tablet, "/me/"),
        (family.tablet, "/me/card"),
    ]


@pytest.mark.parametrize("story", [_asked, _at_licence], ids=["sign-off-asked", "licence"])
def test_the_pages_of_later_states_show_nothing_unmarked(pseudo_app, app, family, story):
    pages = story(app, family)
    for client in (family.guardian, family.tablet):  # the last form's message, in English
        client.get("/", follow_redirects=True)
    allowance = world_allowance(pseudo_app)
    found = {}
    for client, path in pages:
        response = _as(pseudo_app, client).get(path)
        assert response.status_code == 200, path
        if unmarked := allowance.unmarked(text(response)):
            found[path] = unmarked
    assert found == {}
