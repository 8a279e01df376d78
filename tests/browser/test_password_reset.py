"""A guardian who forgot their password gets back in through the mail: from the sign-in
page to the family page, signed in with the new password, the link read from the mail the
SMTP server received."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from supervisor.mail import delivery
from tests.browser.checks import axe_problems
from tests.conftest import Auth
from tests.mailbox import MailServer

NEW = "a brand new passphrase"


def test_forgot_password_to_signed_in_with_the_new_one(
    page: Page, live_app, mail_server: MailServer
) -> None:
    app, _address = live_app
    Auth(app.test_client()).signup()

    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    assert axe_problems(page) == []
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("status")).to_contain_text("It works for 30 minutes.")

    with app.app_context():
        assert delivery.deliver_due() == 2  # the sign-up's confirmation, then the reset
    [mail] = [m for m in mail_server.received if "/password/reset/" in m.part("plain")]
    [link] = [link for link in mail.links() if "/password/reset/" in link]

    page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    assert axe_problems(page) == []
    page.get_by_label("New password").fill(NEW)
    page.get_by_label("Type the password again").fill(NEW)
    page.get_by_role("button", name="Set my new password").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("Your new password is set. Sign in with it.")).to_be_visible()

    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Password").fill(NEW)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/family/$"))
