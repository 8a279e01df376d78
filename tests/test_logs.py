"""Secrets stay out of logs (security target 26): request lines show no URL token, and a
failing statement is logged without its parameters. gunicorn's log: tests/test_serving.py."""

from __future__ import annotations

import logging
import re
import threading
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from supervisor.extensions import db
from tests.conftest import text

SECRET = "-".join(("the", "secret", "value"))  # built, so no traceback's source line shows it
LINK = re.compile(r'value="https?://[^/"]+/(?:invite|calendar)/([^"]+?)(?:\.ics)?"')


def link_token(client, form_path: str) -> str:
    """Make an invite or calendar link through its page and read the token it shows."""
    match = LINK.search(text(client.submit(form_path)))
    assert match, form_path
    return match.group(1)


def test_tokens_are_masked_however_the_path_spells_them():
    from supervisor.web.request_log import mask_tokens

    for path in (
        "/invite/TOKEN", "/invite//TOKEN", "/invite/%20TOKEN", "/invite/%54OKEN",
        "/INVITE/TOKEN", "%2Finvite%2FTOKEN", "/calendar/TOKEN.ics", "/calendar/%54OKEN.ics",
        "/calendar//TOKEN.ics", "/password/reset/TOKEN", "/password//reset/%54OKEN",
        "%2Fpassword%2Freset%2FTOKEN", "/PASSWORD/RESET/TOKEN",
        "/account/confirm/TOKEN", "/account/confirm//TOKEN",
        "/mail/unsubscribe/TOKEN", "/mail%2Funsubscribe%2FTOKEN",
    ):  # fmt: skip
        masked = mask_tokens(f'"GET {path} HTTP/1.1" 410 -')
        assert "TOKEN" not in masked and "OKEN" not in masked, (path, masked)
        assert "[hidden]" in masked
    assert mask_tokens("/family/invites") == "/family/invites"
    assert mask_tokens("/password/forgot") == "/password/forgot"


def test_development_server_log_masks_url_tokens(app, auth, client, caplog):
    auth.signup()
    invite = link_token(client, "/family/invites")
    calendar = link_token(client, "/family/calendar")
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        for path in (f"/invite/{invite}", f"/calendar/{calendar}.ics", "/invite/made-up"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}")
            except urllib.error.HTTPError as error:
                assert error.code == 410, path
    finally:
        server.shutdown()
        thread.join()
    logged = caplog.text
    assert logged.count("GET /invite/[hidden] HTTP/1.1") == 2
    assert "GET /calendar/[hidden].ics HTTP/1.1" in logged
    for secret in (invite, calendar, "made-up"):
        assert secret not in logged


@pytest.mark.own_app  # it adds a page
def test_failing_statement_is_logged_without_its_parameters(app, client, caplog):
    @app.get("/failing-statement")
    def failing_statement() -> str:
        statement = sa.text("SELECT * FROM no_such_table WHERE secret = :secret")
        db.session.execute(statement, {"secret": SECRET})
        return "unreachable"

    response = client.get("/failing-statement")
    assert response.status_code == 500
    assert "no_such_table" in caplog.text  # the error itself is logged
    assert SECRET not in caplog.text
    assert SECRET not in text(response)
