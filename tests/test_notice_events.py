"""Each notice by mail, from the event that sends it in real use: a guardian or the child's
tablet goes through the pages, and the mail is read back as a mail client gets it (subject,
both parts, who it went to, and the one-click unsubscribe only where the topic is optional).
The sign-off request is in ``test_notice_mail.py``, the check-in reminders in
``test_reminders.py``."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask

from supervisor.extensions import db
from supervisor.mail.topics import OPTIONAL, Topic
from supervisor.models import Guardian, Invite, OutboxMessage, RuleChange
from tests.conftest import PASSWORD, Client, FakeClock, deliver, drain, text
from tests.mailbox import MailServer, Received
from tests.test_notice_mail import confirm, mail_off
from tests.test_tracks import add_second_guardian, sign_off, start_family, tick_everything

ADA, GRACE = "ada@example.org", "grace@example.org"
HOME = {"country": "GB", "timezone": "Europe/London"}
TWO_KEYS = {**HOME, "both_guardians_sign": "y"}
SECURITY_FOOTER = (
    "You get this mail because you are a guardian of The Lovelaces: "
    "security notices cannot be switched off."
)


def both_parts(mail: Received) -> tuple[str, str]:
    """The plain part and the HTML part as a reader sees its words (entities undone)."""
    return mail.part("plain"), html.unescape(mail.part("html"))


def one_to(mail_server: MailServer, address: str) -> Received:
    [mail] = mail_server.to(address)
    assert mail.rcpt_tos == [address]
    return mail


def assert_notice(mail: Received, subject: str, words: str) -> None:
    """A family notice: the headline as subject, the words and the family page in both parts."""
    assert mail.subject.startswith(subject) if subject.endswith(": ") else mail.subject == subject
    plain, rich = both_parts(mail)
    for part in (plain, rich):
        assert words in part, part
    assert any(urlsplit(link).path == "/family/" for link in mail.links())
    assert 'href="http' in rich and "/family/" in rich


def assert_no_unsubscribe(mail: Received) -> None:
    assert mail.message["List-Unsubscribe"] is None
    assert mail.message["List-Unsubscribe-Post"] is None
    assert "/mail/unsubscribe/" not in mail.part("plain") + mail.part("html")


def assert_security(mail: Received) -> None:
    """Nothing to unsubscribe from: no headers, no link, and both parts say why."""
    assert_no_unsubscribe(mail)
    for part in both_parts(mail):
        assert re.search(r"security notices? .*cannot be switched off", part), part


def assert_unsubscribes(app: Flask, mail: Received, email: str, topic: Topic) -> None:
    """The mail's one-click unsubscribe (RFC 8058) is in its headers and both parts, and
    switches off this topic and nothing else."""
    url = mail.message["List-Unsubscribe"].strip("<>")
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain, rich = both_parts(mail)
    assert url in mail.links() and url in rich
    assert f'because "{topic.label}" is switched on in your mail choices' in plain
    assert topic.label in rich
    stranger = app.test_client()
    page = stranger.get(url)
    assert page.status_code == 200 and "Stop these mails" in text(page)
    assert mail_off(app, email) == []  # a GET changes nothing
    done = stranger.post(url, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200, text(done)
    assert topic.label in html.unescape(text(done))
    assert mail_off(app, email) == [topic.value]


def two_confirmed_guardians(app: Flask):
    """Ada (with Mo's tablet) and Grace in one family, both addresses confirmed, the
    confirmation mails out of the way."""
    family = start_family(app)
    grace = add_second_guardian(app, family.guardian)
    confirm(app, ADA)
    confirm(app, GRACE)
    drain(app)
    return family, grace


# --- optional topics --------------------------------------------------------------------------


def test_a_signature_waiting_for_the_second_guardian_mails_that_guardian(
    app: Flask, clock: FakeClock, mail_server: MailServer
) -> None:
    family, grace = two_confirmed_guardians(app)
    assert family.guardian.submit("/family/settings", data=TWO_KEYS).status_code == 302
    tick_everything(family.guardian, family.track_id)
    drain(app)  # the rule change's own security notice (tested below)
    signed = sign_off(family.guardian, family.track_id, "instruction")
    assert signed.status_code == 302
    assert deliver(app) == 1  # Grace only: Ada signed, and knows
    mail = one_to(mail_server, GRACE)
    assert_notice(
        mail,
        "A sign-off waits for your signature",
        "Ada signed off Mo's Instagram; a second guardian's signature is needed.",
    )
    assert "Hello Grace," in mail.part("plain")
    assert_unsubscribes(app, mail, GRACE, Topic.SECOND_SIGNATURE)
    # Her signature moves the track: nobody waits now, so no such mail goes to Ada.
    mail_server.clear()
    assert sign_off(grace, family.track_id, "instruction").status_code == 302
    deliver(app)
    assert [m.subject for m in mail_server.received if m.subject == mail.subject] == []


def test_a_childs_reflection_mails_every_guardian_who_wants_it(
    app: Flask, clock: FakeClock, mail_server: MailServer
) -> None:
    family, _grace = two_confirmed_guardians(app)
    ada, track = family.guardian, family.track_id
    moved = sign_off(ada, track, "instruction", override_reason="Ready for the permit")
    assert moved.status_code == 302
    logged = ada.submit(
        f"/family/tracks/{track}/moments/new",
        data={
            "kind": "accepted_stranger",
            "what_happened": "Accepted a stranger's follow.",
            "lesson": "06-strangers",
        },
    )
    assert logged.status_code == 302, text(logged)
    drain(app)  # logging a moment mails nobody; the sign-off's notice is on the page only
    page = text(family.tablet.get(f"/me/tracks/{track}"))
    moment_id = re.search(r"/me/moments/(\d+)/reflect", page).group(1)
    wrote = family.tablet.submit(
        f"/me/moments/{moment_id}/reflect", data={"reflection": "I'll check who it is first."}
    )
    assert wrote.status_code == 302
    assert deliver(app) == 2  # the child acted: both guardians hear of it
    assert sorted(m.rcpt_tos[0] for m in mail_server.received) == [ADA, GRACE]
    for email, name in ((ADA, "Ada"), (GRACE, "Grace")):
        mail = one_to(mail_server, email)
        assert_notice(mail, "A new reflection", "Mo wrote a reflection on a learning moment.")
        assert f"Hello {name}," in mail.part("plain")
    assert_unsubscribes(app, one_to(mail_server, GRACE), GRACE, Topic.REFLECTION)
    assert mail_off(app, ADA) == []  # Grace's choice is hers alone


# --- security notices -------------------------------------------------------------------------


def test_a_family_rule_changed_mails_the_other_guardians_even_with_every_topic_off(
    app: Flask, clock: FakeClock, mail_server: MailServer
) -> None:
    family, grace = two_confirmed_guardians(app)
    ada = family.guardian
    assert grace.submit("/account/mail", data={}).status_code == 302  # every optional topic off
    assert sorted(mail_off(app, GRACE)) == sorted(t.value for t in OPTIONAL)
    # A stricter rule applies at once.
    assert ada.submit("/family/settings", data=TWO_KEYS).status_code == 302
    assert deliver(app) == 1  # Grace only: Ada made the change
    mail = one_to(mail_server, GRACE)
    assert_notice(
        mail,
        "Security notice: ",
        "Ada changed “both guardians must sign off” from off to on.",
    )
    assert SECURITY_FOOTER in both_parts(mail)[0] and SECURITY_FOOTER in both_parts(mail)[1]
    assert_security(mail)
    # Loosening it waits for Grace, and she is told so.
    mail_server.clear()
    assert ada.submit("/family/settings", data=HOME).status_code == 302
    assert deliver(app) == 1
    held = one_to(mail_server, GRACE)
    assert_notice(
        held,
        "Security notice: ",
        "Ada asks to change “both guardians must sign off” from on to off.",
    )
    assert_security(held)
    # Her approval is a rule change too: now Ada is told, Grace is not.
    mail_server.clear()
    with app.app_context():
        change_id = db.session.scalars(sa.select(RuleChange.id)).one()
    approved = grace.submit(
        f"/family/settings/changes/{change_id}/approve", data={"reauth_password": PASSWORD}
    )
    assert approved.status_code == 302
    assert deliver(app) == 1
    told = one_to(mail_server, ADA)
    assert told.subject.startswith("Security notice: Grace approved")
    assert "Grace approved the request" in told.part("plain")
    assert_security(told)


def test_a_profile_locking_itself_on_the_tablet_mails_the_confirmed_guardians(
    app: Flask, clock: FakeClock, mail_server: MailServer
) -> None:
    family = start_family(app)
    add_second_guardian(app, family.guardian)  # Grace: her address is not confirmed
    confirm(app, ADA)
    tablet = family.tablet
    tablet.submit("/logout")  # back to the picker, as the child hands the tablet on
    drain(app)
    wrong = f"/who/child/{family.child_id}"
    for _ in range(9):  # nine wrong PINs, the clock moving past each wait they start
        refused = tablet.submit(wrong, data={"pin": "1357"})
        assert refused.status_code in (200, 429) and "can open it again" not in text(refused)
        clock.advance(minutes=61)
    assert deliver(app) == 0  # a wait is not a lock: no mail yet
    locked = tablet.submit(wrong, data={"pin": "1357"})
    assert locked.status_code == 429 and "A guardian can open it again" in text(locked)
    assert deliver(app) == 1
    mail = one_to(mail_server, ADA)
    assert_notice(
        mail,
        "Security notice: ",
        "Mo's profile locked itself after 10 wrong PINs; a guardian can open it again.",
    )
    assert SECURITY_FOOTER in mail.part("plain")
    assert_security(mail)
    assert mail_server.to(GRACE) == []  # unconfirmed: the notice is on her page only
    # More tries on a locked profile tell nobody again.
    assert tablet.submit(wrong, data={"pin": "1357"}).status_code == 429
    assert deliver(app) == 0


def test_a_password_changed_on_the_account_page_mails_its_owner_and_the_others(
    app: Flask, clock: FakeClock, mail_server: MailServer
) -> None:
    family, _grace = two_confirmed_guardians(app)
    new = "a brand new passphrase"
    changed = family.guardian.submit(
        "/account", data={"current_password": PASSWORD, "password": new, "confirm": new}
    )
    assert changed.status_code == 302, text(changed)
    assert deliver(app) == 2
    own = one_to(mail_server, ADA)
    assert own.subject == "Your password was changed"
    plain, rich = both_parts(own)
    for part in (plain, rich):
        assert ADA in part and "every device signed in to it was signed out" in part
    assert any(urlsplit(link).path == "/password/forgot" for link in own.links())
    assert_security(own)
    other = one_to(mail_server, GRACE)
    assert_notice(
        other,
        "Security notice: ",
        "Ada changed their password; their other devices were signed out.",
    )
    assert_security(other)


def test_an_address_change_mails_the_other_guardians_and_no_mail_can_be_unsubscribed(
    app: Flask, clock: FakeClock, mail_server: MailServer
) -> None:
    """``test_addresses.py`` follows the owner's own mails; here: the other guardian's
    notice, and that none of these mails offers an unsubscribe."""
    family, _grace = two_confirmed_guardians(app)
    new = "ada.new@example.org"
    asked = family.guardian.submit(
        "/account/details", data={"name": "Ada", "email": new, "reauth_password": PASSWORD}
    )
    assert asked.status_code == 302, text(asked)
    assert deliver(app) == 3
    other = one_to(mail_server, GRACE)
    assert_notice(
        other,
        "Security notice: ",
        f"Ada asked to move their sign-in email from {ADA} to {new} "
        "(it changes once that address confirms).",
    )
    for mail in mail_server.received:
        assert_no_unsubscribe(mail)
    assert_security(one_to(mail_server, ADA))  # the old address: someone asked to move it
    [confirm_link] = [u for u in one_to(mail_server, new).links() if "/account/confirm/" in u]
    mail_server.clear()
    assert family.guardian.submit(urlsplit(confirm_link).path, data={}).status_code == 302
    deliver(app)
    changed = one_to(mail_server, ADA)  # the old address hears that it no longer signs in
    assert changed.subject == "Your sign-in address was changed"
    assert new in both_parts(changed)[1]
    assert_security(changed)


# --- the invite mail and the demo family ------------------------------------------------------


def test_an_invite_mail_says_it_waits_for_approval_only_when_the_family_requires_it(
    app: Flask, clock: FakeClock, mail_server: MailServer
) -> None:
    family, grace = two_confirmed_guardians(app)
    ada = family.guardian
    waits = "it will not open until they have"

    def invite(email: str) -> Received:
        assert ada.submit("/family/invites", data={"email": email}).status_code == 200
        deliver(app)
        return one_to(mail_server, email)

    free = invite("kit@example.org")
    assert free.subject == "Ada invites you to The Lovelaces"
    for part in both_parts(free):
        assert re.search(r"The link works once, until [^.]+\.(\r?\n|</p>)", part), part
        assert "approve" not in part and waits not in part
    # Kit has no account yet: the footer says why the mail came all the same.
    footer = "You get this mail because Ada typed this address to invite you to The Lovelaces."
    assert footer in both_parts(free)[1] and "belongs to a guardian" not in both_parts(free)[1]
    assert ada.submit("/family/settings", data=TWO_KEYS).status_code == 302
    held = invite("lou@example.org")
    assert held.subject == "Ada invites you to The Lovelaces"
    for part in both_parts(held):
        assert "It first needs another guardian of the family to approve it" in part
        assert waits in part
    # What it says is true: the link waits, and opens once Grace approves.
    [link] = [u for u in held.links() if "/invite/" in u]
    path = urlsplit(link).path
    joining = {"name": "Lou", "email": "lou@example.org", "password": PASSWORD,
               "confirm": PASSWORD}  # fmt: skip
    waiting = Client(app).submit(path, data=joining)
    assert waiting.status_code == 403 and "waits for another guardian" in text(waiting)
    with app.app_context():
        lou = db.session.scalars(
            sa.select(Invite.id).where(Invite.email == "lou@example.org")
        ).one()
        [change_id] = [
            change.id
            for change in db.session.scalars(sa.select(RuleChange))
            if change.changes.get("invite") == lou
        ]
    approved = grace.submit(
        f"/family/settings/changes/{change_id}/approve", data={"reauth_password": PASSWORD}
    )
    assert approved.status_code == 302
    assert Client(app).submit(path, data=joining).status_code == 302


def test_the_demo_family_guardian_is_confirmed_and_sent_no_confirmation(
    app: Flask, mail_server: MailServer
) -> None:
    result = app.test_cli_runner().invoke(args=["supervisor", "demo"])
    assert result.exit_code == 0, result.output
    assert "Demo family created" in result.output
    with app.app_context():
        guardian = db.session.scalars(sa.select(Guardian)).one()
        assert guardian.email == "demo@example.org"
        assert guardian.email_confirmed_at is not None
        assert db.session.scalars(sa.select(OutboxMessage)).all() == []
    assert deliver(app) == 0 and mail_server.received == []
