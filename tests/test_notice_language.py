"""Notices and mail in each reader's language: a notice is kept as its message and
placeholders and told when it is read, so two guardians of one family read the same notice
each in their own words; a mail speaks its recipient's language (chosen, else the one their
pages were last shown in), an invite the inviter's."""

# ruff: noqa: F811 - a test takes the ``permit`` fixture imported from test_permit

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
import sqlalchemy as sa
from babel import Locale
from flask import Flask

from supervisor import clock as app_clock
from supervisor.content.places import zone_label
from supervisor.extensions import db
from supervisor.jobs import tasks
from supervisor.models import Family, Guardian, Notification
from supervisor.notices import N_, Moment, notice, notify_guardians
from tests.conftest import PASSWORD, Auth, Client, FakeClock, deliver, drain, make_app, text
from tests.mailbox import MailServer
from tests.pseudo_locale import OPEN, PSEUDO, build_catalog
from tests.test_notice_mail import confirm
from tests.test_permit import agree_schedule, permit  # noqa: F401 - a fixture

ENGLISH = "en"


@pytest.fixture(scope="session")
def pseudo_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_catalog(tmp_path_factory.mktemp("pseudo-notices"))


@pytest.fixture
def pseudo_app(app: Flask, pseudo_catalog: Path, mail_server: MailServer) -> Iterator[Flask]:
    """An app (on the emptied test database, mailing the test server) that offers the
    pseudo-language beside English."""
    own = make_app(
        app.config["DATABASE_URL"],
        LANGUAGES=(ENGLISH, PSEUDO),
        BABEL_TRANSLATION_DIRECTORIES=str(pseudo_catalog),
        **mail_server.settings(),
    )
    yield own
    with own.app_context():
        db.engine.dispose()


def browser(app: Flask, language: str) -> Client:
    """A browser whose Accept-Language asks for ``language``."""
    client = app.test_client()
    assert isinstance(client, Client)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def join(app: Flask, inviter: Client, name: str, language: str) -> Client:
    """``name`` joins the inviter's family through an invite link, in a browser asking for
    ``language``."""
    link = re.search(
        r'value="https?://[^/]+(/invite/[^"]+)"', text(inviter.submit("/family/invites"))
    )
    assert link is not None
    joiner = browser(app, language)
    email = f"{name.lower()}@example.org"
    joined = joiner.submit(
        link.group(1),
        data={"name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD},
    )
    assert joined.status_code == 302
    return joiner


def guardian_row(name: str) -> Guardian:
    return db.session.scalars(sa.select(Guardian).where(Guardian.name == name)).one()


def confirm_everyone(app: Flask) -> None:
    with app.app_context():
        for guardian in db.session.scalars(sa.select(Guardian)):
            guardian.email_confirmed_at = app_clock.now()
        db.session.commit()


def test_a_notice_reads_in_each_readers_language_whoever_wrote_it(
    pseudo_app: Flask, clock: FakeClock
) -> None:
    ada = browser(pseudo_app, ENGLISH)
    Auth(ada).signup()
    grace = join(pseudo_app, ada, "Grace", ENGLISH)
    assert grace.submit("/account/language", data={"language": PSEUDO}).status_code == 302
    # Ada's page is English; Grace chose the pseudo-language, whatever her browser asks.
    ada.submit("/family/invites")  # 2 Mar 09:00 UTC: the link works until 5 Mar, London time
    graces = html.unescape(text(grace.get("/family/")))
    assert (
        "⟦Ada made an invite link for another guardian (it works until 5 Mar 2026, 09:00).⟧"
        in graces
    )
    # And the other way: written on Grace's pseudo-language page, read by Ada in English.
    grace.submit("/family/invites")
    adas = html.unescape(text(ada.get("/family/")))
    assert (
        "Grace made an invite link for another guardian (it works until 5 Mar 2026, 09:00)." in adas
    )
    assert OPEN not in adas


def test_a_notice_written_before_messages_were_kept_shows_as_it_was(
    pseudo_app: Flask, clock: FakeClock
) -> None:
    ada = browser(pseudo_app, PSEUDO)
    Auth(ada).signup()
    with pseudo_app.app_context():
        guardian = guardian_row("Ada")
        db.session.add(
            Notification(
                family_id=guardian.family_id,
                guardian_id=guardian.id,
                created_at=app_clock.now(),
                text="Grace signed off Mo's Instagram: now Learner's permit.",
            )
        )
        db.session.commit()
    page = html.unescape(text(ada.get("/family/")))
    assert "Grace signed off Mo's Instagram: now Learner's permit." in page


def test_a_date_in_a_notice_follows_the_readers_zone_and_language_when_read(
    pseudo_app: Flask, clock: FakeClock
) -> None:
    ada = browser(pseudo_app, ENGLISH)
    Auth(ada).signup()
    grace = join(pseudo_app, ada, "Grace", PSEUDO)
    with pseudo_app.test_request_context(headers={"Accept-Language": ENGLISH}):
        family_id = guardian_row("Ada").family_id
        said = notice(
            N_("%(child)s added a note on the check-in of %(day)s: “%(note)s”"),
            child="Mo",
            day=Moment(datetime(2026, 3, 5, 2, 30, tzinfo=UTC), "long-date"),
            note="We talked.",
        )
        notify_guardians(family_id, said)
        db.session.commit()
        stored = db.session.scalars(
            sa.select(Notification.params).where(Notification.message == said.message)
        ).first()
    assert stored is not None and stored["day"] == {
        "at": "2026-03-05T02:30:00+00:00",
        "style": "long-date",
    }
    note = "Mo added a note on the check-in of %s: “We talked.”"
    assert note % "5 March 2026" in html.unescape(text(ada.get("/family/")))
    assert f"⟦{note % '5 Marto 2026'}⟧" in html.unescape(text(grace.get("/family/")))
    # The family moves to New York: the same notice now tells the day there.
    with pseudo_app.app_context():
        db.session.get_one(Family, family_id).timezone = "America/New_York"
        db.session.commit()
    assert note % "4 March 2026" in html.unescape(text(ada.get("/family/")))
    assert f"⟦{note % '4 Marto 2026'}⟧" in html.unescape(text(grace.get("/family/")))


def test_a_notices_mail_speaks_each_recipients_language(
    pseudo_app: Flask, clock: FakeClock, mail_server: MailServer
) -> None:
    ada = browser(pseudo_app, ENGLISH)
    Auth(ada).signup()
    join(pseudo_app, ada, "Grace", PSEUDO)  # chose nothing: her pages were pseudo-language
    join(pseudo_app, ada, "Bo", ENGLISH)
    with pseudo_app.app_context():
        assert (guardian_row("Grace").language, guardian_row("Grace").seen_language) == (
            None,
            PSEUDO,
        )
        assert guardian_row("Bo").seen_language == ENGLISH
    confirm_everyone(pseudo_app)
    drain(pseudo_app)
    changed = ada.submit("/family/settings", data={"country": "US", "timezone": "America/New_York"})
    assert changed.status_code == 302
    assert deliver(pseudo_app) == 2
    mails = {tuple(m.rcpt_tos): m for m in mail_server.received}
    to_grace, to_bo = mails[("grace@example.org",)], mails[("bo@example.org",)]
    told = (
        "Ada changed the country from United Kingdom to United States and the time zone from "
        "London to New York — Eastern (most areas)."
    )
    assert to_bo.subject.startswith("Security notice: Ada changed the country")
    for part in ("plain", "html"):
        assert OPEN not in to_bo.part(part)
        assert told in " ".join(html.unescape(to_bo.part(part)).split())
    assert to_grace.subject.startswith("⟦Security notice: ⟦Ada changed ⟦⟦⟦the country⟧")
    for part in ("plain", "html"):
        body = " ".join(html.unescape(to_grace.part(part)).split())
        assert "⟦Hello Grace,⟧" in body
        # The countries and zones by their names in the reader's language (CLDR's).
        gb, us = (Locale.parse(PSEUDO).territories[code] for code in ("GB", "US"))
        london, new_york = (zone_label(z, PSEUDO) for z in ("Europe/London", "America/New_York"))
        assert (
            f"⟦Ada changed ⟦⟦⟦the country⟧ from {gb} to {us}⟧ and "
            f"⟦⟦the time zone⟧ from {london} to {new_york}⟧⟧.⟧"
        ) in body
        assert "United Kingdom" not in body


def test_an_invite_mail_speaks_the_inviters_page_language(
    pseudo_app: Flask, clock: FakeClock, mail_server: MailServer
) -> None:
    ada = browser(pseudo_app, PSEUDO)
    Auth(ada).signup()
    drain(pseudo_app)
    ada.submit("/family/invites", data={"email": "kit@example.org"})
    assert deliver(pseudo_app) == 1
    [mail] = mail_server.received
    assert mail.subject == "⟦Ada invites you to The Lovelaces⟧"
    assert "⟦Hello,⟧" in mail.part("plain")


def test_a_reset_link_speaks_the_language_the_guardian_last_read(
    pseudo_app: Flask, clock: FakeClock, mail_server: MailServer
) -> None:
    Auth(browser(pseudo_app, PSEUDO)).signup()
    drain(pseudo_app)
    with pseudo_app.app_context():
        assert guardian_row("Ada").seen_language == PSEUDO
    # Asked for from a browser that reads English: the mail is for Ada, in her language.
    asked = browser(pseudo_app, ENGLISH).submit(
        "/password/forgot", data={"email": "ada@example.org"}
    )
    assert asked.status_code in (200, 302)
    assert deliver(pseudo_app) == 1
    [mail] = mail_server.received
    assert mail.subject == "⟦Set a new password for your Supervisor account⟧"
    assert "⟦Hello Ada,⟧" in mail.part("plain")


def test_a_reminder_from_the_job_speaks_its_recipients_language(
    app: Flask,
    pseudo_app: Flask,
    clock: FakeClock,
    permit: object,
    mail_server: MailServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    agree_schedule(permit)
    confirm(app, "ada@example.org")
    drain(app)
    with pseudo_app.app_context():
        guardian_row("Ada").language = PSEUDO
        db.session.commit()
    monkeypatch.setitem(pseudo_app.config, "BASE_URL", "https://supervisor.example.org")
    clock.current = datetime(2026, 3, 8, 10, 0, tzinfo=UTC)  # the first check-in is tomorrow
    with pseudo_app.app_context():
        assert tasks.reminders() == {"tomorrow": 1, "overdue": 0}
    assert deliver(pseudo_app) == 1
    [mail] = mail_server.received
    assert mail.subject.startswith("⟦Check-in tomorrow")
    assert "⟦Hello Ada,⟧" in mail.part("plain")
    [attachment] = mail.attachments()
    ics = attachment.get_payload(decode=True).decode()  # UTF-8, whatever its part declares
    [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("⟦Check-in: Mo")


def test_signing_in_notes_the_language_the_pages_are_shown_in(
    pseudo_app: Flask, clock: FakeClock
) -> None:
    ada = Auth(browser(pseudo_app, ENGLISH))
    ada.signup()
    with pseudo_app.app_context():
        assert guardian_row("Ada").seen_language == ENGLISH
    assert Auth(browser(pseudo_app, PSEUDO)).login().status_code == 302
    with pseudo_app.app_context():
        assert guardian_row("Ada").seen_language == PSEUDO
        guardian_row("Ada").language = ENGLISH  # a choice of her own outweighs it
        db.session.commit()
    assert Auth(browser(pseudo_app, PSEUDO)).login().status_code == 302
    with pseudo_app.app_context():
        assert guardian_row("Ada").seen_language == ENGLISH
