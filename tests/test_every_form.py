"""Every form, every option (issue 15): each page with a form, filled with valid values from
the form's own choices and submitted, succeeds and leaves a visible effect.

The hostile fuzzer (``test_fuzz_forms.py``) proves bad input never breaks a page; its values
never pass validation, so it cannot find a page that breaks on *good* input. Here a family
where every form exists is built once through the pages (three guardians, children at
instruction, at the learner's permit and with a licence, a tablet, invites, a calendar link,
a change waiting for approval, a locked profile, a recorded check-in, the family's own
checklist item and prompt). Then, for every GET page of the route table
(ids taken from that family), every actor who can open it, and every POST form on it: the
form is submitted as often as its largest group of choices has options, picking choices not
yet used first, each submission from the page as it stands. Each form starts from the saved
family again, so deleting, signing out or stepping back spoils nothing for the next.

Success means: no error status after redirects, no error page or form error, and a write to
the database beyond the audit log (what a required text field held is among what was written,
or on the page after), or a download. At the end of each page, every option of every group has
been sent once; and every POST endpoint of ``authority.RULES`` is reached by a form on some page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import Rule

from supervisor import clock as app_clock
from supervisor import tokens
from supervisor.accounts import recovery
from supervisor.content.lessons import LESSONS
from supervisor.content.walkthroughs import WALKTHROUGHS
from supervisor.db import metadata
from supervisor.extensions import db
from supervisor.models import (
    CheckIn,
    Child,
    Device,
    Family,
    FamilyChecklistItem,
    FamilyPrompt,
    Guardian,
    Invite,
    LearningMoment,
    OneTimeLink,
    RuleChange,
    WalkthroughRun,
)
from supervisor.web.authority import RULES
from tests.conftest import (
    PASSWORD,
    Auth,
    Client,
    FakeClock,
    add_child,
    emptied,
    make_app,
    pass_all_lessons,
    tap_i_agree,
    text,
    weekly_schedule,
)
from tests.form_pages import NONE, Form, find, forms_on
from tests.test_tracks import add_second_guardian, tick_everything

CONFIRM_TOKEN = "a-confirmation-token-of-the-family"

START = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)  # a Sunday: the family signs up
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, four weekly check-ins later
PIN = "4826"
OWNER, CO_GUARDIAN, MO, KIT, TABLET, ANON = (
    "guardian", "second guardian", "Mo on the tablet", "Kit on the tablet",
    "the tablet, nobody signed in", "anonymous",
)  # fmt: skip
ADA_ON_TABLET = "Ada on the tablet, beside Mo"  # a check-in held together: Mo's PIN
ACTORS = (OWNER, CO_GUARDIAN, MO, KIT, TABLET, ANON, ADA_ON_TABLET)
COOKIES = ("__Host-session", "__Host-device")
ERRORS = re.compile(r'class="(alert alert-error|error|field field-invalid[^"]*)"')

# POST endpoints no page form reaches. Keep this short: each entry says why.
NO_PAGE_FORM: dict[str, str] = {
    "mail_choices.unsubscribe_post": "its page opens from a mail's signed link "
    "(tests/test_notice_mail.py submits it)",
}


@dataclass
class SavedFamily:
    """The family's rows, each actor's cookies, and the ids its pages take."""

    rows: dict[str, list[dict[str, object]]]
    cookies: dict[str, dict[str, str]]
    ids: dict[str, list[Any]]
    names: dict[str, str] = field(default_factory=dict)


def _lesson_walk(tablet: Client, key: str, wrong_first: bool) -> None:
    """Go through a lesson on the tablet; answering wrong first fails its quiz."""
    lesson = LESSONS[key]
    for position in range(len(lesson.steps)):
        assert tablet.submit(f"/me/lessons/{key}/{position}").status_code == 302
    for number, question in enumerate(lesson.quiz):
        position = len(lesson.steps) + number
        if wrong_first:
            wrong = next(i for i in range(len(question.options)) if i != question.answer)
            tablet.submit(f"/me/lessons/{key}/{position}", data={"choice": str(wrong)})
        tablet.submit(f"/me/lessons/{key}/{position}", data={"choice": str(question.answer)})


def moved(response: Any) -> None:
    """A form of the build was accepted (and the browser sent on)."""
    assert response.status_code == 302, text(response)[:1000]


def _track_id(response: Any) -> int:
    assert response.status_code == 302, text(response)[:1000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _build(app: Flask, moving: FakeClock) -> SavedFamily:
    """The family, through the pages, from sign-up on 1 February to 2 March."""
    ada = Auth(app.test_client())
    ada.signup()
    owner = ada.client
    mo = add_child(owner, "Mo", PIN, birth_year=2012)
    kit = add_child(owner, "Kit", PIN, birth_year=2016)
    lee = add_child(owner, "Lee", PIN, birth_year=2011)
    with app.app_context():
        assert [mo, kit, lee] == list(db.session.scalars(sa.select(Child.id).order_by(Child.id)))
    pass_all_lessons(app, mo)
    tablet = Auth(app.test_client())
    tablet.login()
    assert tablet.client.submit("/family/devices/", data={"name": "Kitchen tablet"}).status_code
    tablet = tablet.client
    device_cookie = tablet.get_cookie("__Host-device").value

    def on_tablet(child_id: int) -> Client:
        client = app.test_client()
        client.set_cookie("__Host-device", device_cookie)
        assert client.submit(f"/who/child/{child_id}", data={"pin": PIN}).status_code == 302
        return client

    def new_track(child_id: int, platform: str) -> int:
        return _track_id(
            owner.submit(f"/family/children/{child_id}/tracks/new", data={"platform": platform})
        )

    def sign_off(track_id: int, stage: str) -> None:
        response = owner.submit(
            f"/family/tracks/{track_id}/sign-off",
            data={"from_stage": stage, "override_reason": "We did this together."},
        )
        assert response.status_code == 302, text(response)[:1000]

    permit, licence = new_track(mo, "instagram"), new_track(mo, "youtube")
    asked, ready = new_track(mo, "snapchat"), new_track(mo, "roblox")
    proposed, kits = new_track(mo, "whatsapp"), new_track(kit, "tiktok")
    for track_id in (permit, licence, asked, ready, proposed):
        tick_everything(owner, track_id)
    sign_off(permit, "instruction")
    sign_off(proposed, "instruction")
    sign_off(licence, "instruction")
    sign_off(licence, "permit")
    mo_tablet = on_tablet(mo)
    moved(
        mo_tablet.submit(f"/me/tracks/{asked}/request", data={"note": "I know who sees my snaps."})
    )
    moved(
        mo_tablet.submit(f"/me/tracks/{licence}/connections", data={"connection": "monthly_chat"})
    )
    # The permit: an arrangement and a weekly schedule both agreed, a walkthrough under way,
    # learning moments (one reflected on), and the first check-in recorded.
    moved(owner.submit(f"/family/tracks/{permit}/monitoring", data={"arrangement": "follow"}))
    assert tap_i_agree(mo_tablet, permit, "agree-arrangement").status_code == 302
    moved(owner.submit(f"/family/tracks/{permit}/schedule", data=weekly_schedule(date(2026, 2, 2))))
    assert tap_i_agree(mo_tablet, permit).status_code == 302
    # On WhatsApp, an arrangement and a schedule wait for Mo's "I agree".
    moved(
        owner.submit(
            f"/family/tracks/{proposed}/monitoring", data={"arrangement": "show_on_request"}
        )
    )
    moved(
        owner.submit(f"/family/tracks/{proposed}/schedule", data=weekly_schedule(date(2026, 2, 3)))
    )
    run = owner.submit(f"/family/tracks/{permit}/walkthrough")
    assert owner.submit(run.headers["Location"], data={"outcome": "done"}).status_code == 302
    for kind, what in (("too_long", "Scrolled until midnight."), ("overshared", "Posted a face.")):
        moved(
            owner.submit(
                f"/family/tracks/{permit}/moments/new",
                data={"kind": kind, "what_happened": what, "lesson": ""},
            )
        )
    with app.app_context():
        first_moment = db.session.scalars(sa.select(LearningMoment.id)).first()
    reflection = {"reflection": "Phone out of the room."}
    moved(mo_tablet.submit(f"/me/moments/{first_moment}/reflect", data=reflection))
    # Kit is 9: lessons not started but one, failed on the first try.
    kit_tablet = on_tablet(kit)
    _lesson_walk(kit_tablet, next(iter(LESSONS)), wrong_first=True)
    # Lee's profile is locked after too many wrong PINs.
    stranger = app.test_client()
    stranger.set_cookie("__Host-device", device_cookie)
    for _ in range(10):
        stranger.submit(f"/who/child/{lee}", data={"pin": "0000"})
        moving.advance(hours=2)
    # A second guardian, a calendar link, a rule change waiting for the second guardian.
    moving.current = NOW - timedelta(hours=1)
    assert ada.login().status_code == 302
    prompt = {"text": "Who saw it?", "stage": "permit", "topic": "time"}
    moved(owner.submit("/family/prompts", data=prompt))
    item = {"label": "Phones stay downstairs at night"}  # the family's own rule, at the permit
    moved(owner.submit(f"/family/tracks/{permit}/checklist/new", data=item))
    moved(
        owner.submit(
            f"/family/tracks/{permit}/checkins/new", data={"due_on": "2026-02-02", "held": "held"}
        )
    )
    grace = add_second_guardian(app, owner)
    # A third guardian, so that under two keys removing one has someone else to approve it.
    third = text(owner.submit("/family/invites")).split('readonly value="')[1].split('"')[0]
    hal = {"name": "Hal", "email": "hal@example.org", "password": PASSWORD, "confirm": PASSWORD}
    moved(app.test_client().submit(urlsplit(third).path, data=hal))
    owner.submit("/family/calendar")
    settings = {"country": "GB", "timezone": "Europe/London"}
    moved(owner.submit("/family/settings", data={**settings, "both_guardians_sign": "y"}))
    # With two keys, an invite link works once the other guardian approves it.
    link = text(owner.submit("/family/invites")).split('readonly value="')[1].split('"')[0]
    with app.app_context():
        invite_change = db.session.scalars(sa.select(RuleChange.id)).one()
    moved(
        grace.submit(
            f"/family/settings/changes/{invite_change}/approve", data={"reauth_password": PASSWORD}
        )
    )
    moved(owner.submit("/family/settings", data=settings))  # waits for Grace
    # Everyone signs in (again) now, so every session and password is fresh.
    moving.current = NOW
    ada_now, grace_now = Auth(app.test_client()), Auth(app.test_client())
    ada_now.login()
    grace_now.login(email="grace@example.org")
    mo_now, kit_now = on_tablet(mo), on_tablet(kit)
    nobody = app.test_client()
    nobody.set_cookie("__Host-device", device_cookie)
    ada_on_tablet = app.test_client()
    ada_on_tablet.set_cookie("__Host-device", device_cookie)
    with app.app_context():
        ada_id = db.session.scalars(
            sa.select(Guardian.id).where(Guardian.email == "ada@example.org")
        ).one()
    moved(ada_on_tablet.submit(f"/who/guardian/{ada_id}", data={"password": PASSWORD}))
    del grace, tablet
    with app.app_context(), db.session.begin():  # Ada asked for a new password, too
        reset_link = recovery.make_reset_link("ada@example.org")
        assert reset_link is not None
        reset_token = urlsplit(reset_link).path.rsplit("/", 1)[1]
    with app.app_context():
        family = db.session.scalars(sa.select(Family)).one()
        ids: dict[str, list[Any]] = {
            "child_id": [mo, kit, lee],
            "track_id": [permit, licence, asked, ready, proposed, kits],
            "invite_id": list(
                db.session.scalars(sa.select(Invite.id).where(Invite.accepted_at.is_(None)))
            ),
            "device_id": list(db.session.scalars(sa.select(Device.id))),
            "guardian_id": list(db.session.scalars(sa.select(Guardian.id).order_by(Guardian.id))),
            "run_id": list(db.session.scalars(sa.select(WalkthroughRun.id))),
            "moment_id": list(db.session.scalars(sa.select(LearningMoment.id))),
            "checkin_id": list(
                db.session.scalars(sa.select(CheckIn.id).where(CheckIn.replaced_at.is_(None)))
            ),
            "item_id": list(db.session.scalars(sa.select(FamilyChecklistItem.id))),
            "prompt_id": list(db.session.scalars(sa.select(FamilyPrompt.id))),
            "change_id": list(
                db.session.scalars(sa.select(RuleChange.id).where(RuleChange.decided_at.is_(None)))
            ),
            "token": [urlsplit(link).path.rsplit("/", 1)[1], reset_token],
            "confirm_token": [CONFIRM_TOKEN],
        }
        ada = db.session.scalars(sa.select(Guardian).where(Guardian.email == "ada@example.org"))
        owner_row = ada.one()
        db.session.add(
            OneTimeLink(
                guardian_id=owner_row.id,
                purpose="confirm",
                email=owner_row.email,
                token_hash=tokens.digest(CONFIRM_TOKEN),
                created_at=app_clock.now() - timedelta(minutes=10),  # may be sent again
                expires_at=app_clock.now() + timedelta(days=7),
            )
        )
        db.session.commit()
        names = {"family": family.name} | {
            f"child-{c.id}": c.display_name for c in db.session.scalars(sa.select(Child))
        }
        rows = {
            t.name: [dict(r._mapping) for r in db.session.execute(sa.select(t))]
            for t in metadata.sorted_tables
        }
    clients = {
        OWNER: ada_now.client, CO_GUARDIAN: grace_now.client, MO: mo_now, KIT: kit_now,
        TABLET: nobody, ADA_ON_TABLET: ada_on_tablet,
    }  # fmt: skip
    cookies = {
        actor: {name: c.value for name in COOKIES if (c := client.get_cookie(name))}
        for actor, client in clients.items()
    }
    cookies[ANON] = {}
    return SavedFamily(rows, cookies, ids, names)


@pytest.fixture(scope="module")
def saved_family(shared_app: Flask) -> SavedFamily:
    moving = FakeClock(START)
    app_clock.set_source(moving)
    try:
        return _build(emptied(shared_app), moving)
    finally:
        app_clock.set_source(None)


def restore(app: Flask, saved: SavedFamily) -> None:
    """Put the saved family back, whatever the last form did to it."""
    with app.app_context():
        for table in reversed(metadata.sorted_tables):
            db.session.execute(table.delete())
        for table in metadata.sorted_tables:
            if saved.rows[table.name]:
                db.session.execute(table.insert(), saved.rows[table.name])
        if db.engine.dialect.name == "postgresql":
            for table in metadata.sorted_tables:
                if "id" in table.c:
                    top = sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0) + 1)
                    sequence = sa.func.pg_get_serial_sequence(table.name, "id")
                    db.session.execute(
                        sa.select(sa.func.setval(sequence, top.scalar_subquery(), False))
                    )
        db.session.commit()


# How each URL argument is filled from the family; a new argument needs a line here.
Values = Callable[[SavedFamily, dict[str, Any]], list[Any]]
ARGUMENTS: dict[str, Values] = {
    "key": lambda saved, args: list(LESSONS),
    "position": lambda saved, args: list(range(LESSONS[args["key"]].length + 1)),
    "step": lambda saved, args: list(range(max(len(w.steps) for w in WALKTHROUGHS.values()))),
}
# An argument an endpoint fills its own way: the confirmation link's token is not an invite's.
ENDPOINT_ARGUMENTS: dict[tuple[str, str], Values] = {
    ("auth.confirm_address", "token"): lambda saved, args: saved.ids["confirm_token"],
}
ORDER = ("child_id", "track_id", "run_id", "key", "position", "step")


def urls(app: Flask, rule: Rule, saved: SavedFamily) -> Iterator[str]:
    """Every address of ``rule`` with ids of the saved family."""
    names = sorted(rule.arguments, key=lambda n: (ORDER.index(n) if n in ORDER else 99, n))

    def expand(done: dict[str, Any], rest: list[str]) -> Iterator[dict[str, Any]]:
        if not rest:
            yield done
            return
        name = rest[0]
        if (rule.endpoint, name) in ENDPOINT_ARGUMENTS:
            values = ENDPOINT_ARGUMENTS[(rule.endpoint, name)](saved, done)
        elif name in ARGUMENTS:
            values = ARGUMENTS[name](saved, done)
        else:
            assert name in saved.ids, f"say how to fill <{name}> in ARGUMENTS"
            values = saved.ids[name]
        for value in values:
            yield from expand({**done, name: value}, rest[1:])

    adapter = app.url_map.bind("localhost")
    for args in expand({}, names):
        yield adapter.build(rule.endpoint, args)


def endpoint_of(app: Flask, action: str) -> str:
    adapter = app.url_map.bind("localhost")
    return adapter.match(urlsplit(action).path, method="POST")[0]


@dataclass
class Writes:
    """The rows a request writes, by table, with the values written."""

    tables: set[str] = field(default_factory=set)
    values: list[str] = field(default_factory=list)

    def listen(self, conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        verb = statement.lstrip().split(" ", 1)[0].upper()
        if verb not in {"INSERT", "UPDATE", "DELETE"}:
            return
        match = re.match(r"\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+\"?(\w+)", statement, re.I)
        self.tables.add(match.group(1) if match else statement)
        self.values.append(repr(_plain(parameters)))


def _plain(value: Any) -> Any:
    """Parameters as written: psycopg's JSON wrappers cut their own repr short."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return getattr(value, "obj", value)


@dataclass
class Visit:
    """One test's walk: the app, the saved family, and what was sent."""

    app: Flask
    saved: SavedFamily
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, actor: str) -> Client:
        if actor not in self.clients:
            client = self.app.test_client()
            for name, value in self.saved.cookies[actor].items():
                client.set_cookie(name, value)
            self.clients[actor] = client
        return self.clients[actor]

    def reset(self) -> None:
        """The saved family again, and every actor's cookies as they were."""
        restore(self.app, self.saved)
        self.clients.clear()

    def forms(self, actor: str, url: str) -> list[Form] | None:
        response = self.client(actor).get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            return None
        return forms_on(text(response))


FILLED_BY_NAME: dict[str, Callable[[SavedFamily, str], dict[str, str]]] = {
    # Deleting asks to type the name being deleted, as the page's heading shows it.
    "family.delete_family": lambda saved, url: {"name": saved.names["family"]},
    "family.delete_child": lambda saved, url: {
        "name": saved.names["child-" + url.split("/children/")[1].split("/")[0]]
    },
}


def schedule_plan(form: Form, data: dict[str, list[str]]) -> None:
    """A plan to relax the schedule gives a date for each step it chooses, in order."""
    starts = date.fromisoformat(data["starts_on"][0])
    for step, weeks in (("fade1", 4), ("fade2", 8)):
        chosen = data[f"{step}_frequency"] != [""]
        data[f"{step}_on"] = [(starts + timedelta(weeks=weeks)).isoformat() if chosen else ""]


def nothing_ticked_when_skipped(form: Form, data: dict[str, list[str]]) -> None:
    """A skipped check-in used no prompts and talked no moments through."""
    if data.get("held") == ["skipped"]:
        data["moments"], data["prompts"] = [], []


def zone_of_the_country(form: Form, data: dict[str, list[str]]) -> None:
    """The time zone is one of the chosen country's, as the page's script offers them from
    the select's ``data-zones``: the page's own choice when it is one, else the country's
    first (most populous) zone; a country's only zone may also be left for the server."""
    select = next(f for f in form.fields if f.name == "timezone")
    zones = [zone for zone, _label in json.loads(select.attrs["data-zones"])[data["country"][0]]]
    sent = data["timezone"][0]
    if sent not in zones and not (sent == "" and len(zones) == 1):
        data["timezone"] = [zones[0]]


# Rules between fields that no attribute on the page states.
BETWEEN_FIELDS: dict[str, Callable[[Form, dict[str, list[str]]], None]] = {
    "permit.checkin_schedule": schedule_plan,
    "permit.record_checkin": nothing_ticked_when_skipped,
    "permit.correct_checkin": nothing_ticked_when_skipped,
    "permit.checkin_together": nothing_ticked_when_skipped,
    "auth.signup": zone_of_the_country,
    "family.settings": zone_of_the_country,
}


def submit_every_option(visit: Visit, actor: str, url: str, form: Form) -> list[str]:
    """Submit ``form`` until every option of its groups was sent; the problems found."""
    app, problems = visit.app, []
    endpoint = endpoint_of(app, form.action or url)
    groups = {g.name: set(g.options) for g in form.groups()}
    covered: dict[str, set[str]] = {}
    shown: list[Form] | None = None  # the page as the last submission left it, when it is this page
    for attempt in range(form.attempts() + 2):
        if attempt >= form.attempts() and all(groups[n] <= covered.get(n, set()) for n in groups):
            break
        current = find(shown if shown is not None else visit.forms(actor, url) or [], form)
        if current is None:  # the last submission used the form up: start again
            visit.reset()
            current = find(visit.forms(actor, url) or [], form)
            if current is None:
                problems.append(f"{actor} {url}: the form for {endpoint} is gone after a reload")
                break
        data = current.fill(attempt, covered, NOW.date())
        if endpoint in FILLED_BY_NAME:
            data |= {k: [v] for k, v in FILLED_BY_NAME[endpoint](visit.saved, url).items()}
        if endpoint in BETWEEN_FIELDS:
            BETWEEN_FIELDS[endpoint](current, data)
        sent = {k: v for k, v in data.items() if v != [""] or k in groups}
        problem, shown = _post(visit, actor, url, form.action or url, current, sent)
        label = f"{actor} {url} -> {endpoint} {_shown(sent)}"
        if problem:
            problems.append(f"{label}: {problem}")
            break
        for group in current.groups():
            values = data.get(group.name, [])
            covered.setdefault(group.name, set()).update(values or [NONE])
    for name, options in groups.items():
        missing = options - covered.get(name, set())
        if missing and not problems:
            problems.append(f"{actor} {url} -> {endpoint}: options of {name} never sent: {missing}")
    return problems


def _shown(data: dict[str, list[str]]) -> dict[str, object]:
    return {k: (v[0] if len(v) == 1 else v) for k, v in data.items() if k != "csrf_token"}


def _post(
    visit: Visit, actor: str, page: str, action: str, form: Form, data: dict[str, list[str]]
) -> tuple[str, list[Form] | None]:
    """Send one filled form: what went wrong (or an empty string), and the forms of the page
    it ends on when that is ``page`` again."""
    response, problem = _send(visit, actor, page, action, form, data)
    if problem or response.request.path != urlsplit(page).path or response.mimetype != "text/html":
        return problem, None
    return problem, forms_on(text(response))


def _send(
    visit: Visit, actor: str, page: str, action: str, form: Form, data: dict[str, list[str]]
) -> tuple[Any, str]:
    writes = Writes()
    with visit.app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", writes.listen)
    visitor: dict[str, str] = {}
    if endpoint_of(visit.app, action) in FROM_AN_ADDRESS_OF_ITS_OWN:
        number = next(_addresses)
        visitor = {"REMOTE_ADDR": f"198.18.{number // 250}.{number % 250 + 1}"}
    try:
        response = visit.client(actor).post(
            action, data=data, follow_redirects=True, environ_base=visitor
        )
    finally:
        sa.event.remove(engine, "before_cursor_execute", writes.listen)
    body = text(response)
    if response.status_code >= 400:
        return response, f"answered {response.status_code}: {_gist(body)}"
    if response.mimetype == "text/html":
        if "Something went wrong" in body or ERRORS.search(body):
            return response, f"shows an error: {_gist(body)}"
        if 'name="reauth_password"' in body and "Confirm it" in body:
            return response, "asks for the password again"
    download = "attachment" in response.headers.get("Content-Disposition", "")
    moved_on = endpoint_of(visit.app, action) in NAVIGATION and response.request.path != page
    if not (writes.tables - {"audit_event"}) and not download and not moved_on:
        return response, f"changed nothing (wrote {sorted(writes.tables)}): {_gist(body)}"
    written = " ".join(writes.values)
    for f in form.fields:
        typed = (data.get(f.name) or [""])[0]
        kept = f.type in {"text", "textarea"} and f.required and f.name not in FILLED
        if kept and typed and typed not in written and typed not in body:
            return response, f"{f.name} held {typed!r}, neither saved nor shown"
    return response, ""


FILLED = {"name"}  # typed to confirm, not to keep
# Forms each submission of which is a different visitor: the sign-up throttle caps the
# accounts one client address creates (test_signup_throttle.py), and one per country is more.
FROM_AN_ADDRESS_OF_ITS_OWN = {"auth.signup"}
_addresses = count()
# Buttons that may only open the next page: the effect is that page.
NAVIGATION = {
    "permit.walkthrough",  # with a walkthrough under way, it carries on where it stopped
}


def _gist(body: str) -> str:
    """The messages of a page, for a failure report."""
    found = re.findall(r'class="(?:alert[^"]*|error)"[^>]*>(.*?)</', body, re.S)
    title = re.search(r"<title>(.*?)</title>", body, re.S)
    return f"{title.group(1).strip() if title else ''} {[' '.join(m.split()) for m in found]}"[:600]


def _get_rules() -> list[str]:
    app = make_app("sqlite://")
    return sorted(
        {r.endpoint for r in app.url_map.iter_rules() if "GET" in (r.methods or ())} - {"static"}
    )


GET_ENDPOINTS = _get_rules()


@pytest.fixture
def visit(app: Flask, saved_family: SavedFamily) -> Iterator[Visit]:
    app_clock.set_source(lambda: NOW)
    try:
        restore(app, saved_family)
        yield Visit(app, saved_family)
    finally:
        app_clock.set_source(None)


def page_forms(visit: Visit, endpoint: str) -> list[tuple[str, str, Form]]:
    """Every (actor, address, form) of an endpoint's pages, each distinct form once. Pages
    write nothing but the count of a guardian's look (test_access.py), which no form reads,
    so the walk over the saved family is made once a run."""
    if endpoint not in WALKED:
        WALKED[endpoint] = list(_walk(visit, endpoint))
    return WALKED[endpoint]


WALKED: dict[str, list[tuple[str, str, Form]]] = {}


def _walk(visit: Visit, endpoint: str) -> Iterator[tuple[str, str, Form]]:
    rule = next(r for r in visit.app.url_map.iter_rules() if r.endpoint == endpoint)
    seen: set[tuple[object, ...]] = set()
    for url in urls(visit.app, rule, visit.saved):
        for actor in ACTORS:
            for form in visit.forms(actor, url) or []:
                if form.signature() not in seen:
                    seen.add(form.signature())
                    yield actor, url, form


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_every_form_with_every_option(visit: Visit, endpoint: str) -> None:
    problems: list[str] = []
    found = page_forms(visit, endpoint)
    for number, (actor, url, form) in enumerate(found):
        if number:
            visit.reset()
        problems += submit_every_option(visit, actor, url, form)
    assert not problems, "\n".join(problems)


def test_every_post_endpoint_has_a_form_on_a_page(visit: Visit) -> None:
    """A form added to a page is tested above without a line here; a POST endpoint no page
    form reaches would not be, so it must be named in ``NO_PAGE_FORM`` with a reason."""
    reached = {
        endpoint_of(visit.app, form.action or url)
        for endpoint in GET_ENDPOINTS
        for _actor, url, form in page_forms(visit, endpoint)
    }
    assert set(RULES) - reached == set(NO_PAGE_FORM)
    assert not reached & set(NO_PAGE_FORM)


def test_the_family_has_a_form_for_each_kind_of_choice(visit: Visit) -> None:
    """The walk reaches selects, radio groups, checkbox groups and multiple selects."""
    kinds = set()
    for endpoint in ("permit.record_checkin", "family.add_child", "child.track"):
        for _actor, _url, form in page_forms(visit, endpoint):
            kinds |= {(g.kind, NONE in g.options) for g in form.groups()}
    assert {("one", False), ("many", True), ("many", False)} <= kinds
