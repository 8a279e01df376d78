"""Secrets stay out of logs (security target 26): request lines show no URL token.
gunicorn's log: tests/test_serving.py."""

from __future__ import annotations

import logging
import re
import threading
import urllib.error
import urllib.request

from werkzeug.serving import make_server

from tests.conftest import text

LINK = re.compile(r'value="https?://[^/"]+/(?:invite|calendar)/([^"]+?)(?:\.ics)?"')


def link_token(client, form_path: str) -> str:
    """Make an invite or calendar link through its page and read the token it shows."""
    match = LINK.search(text(client.submit(form_path)))
    assert match, form_path
    return match.group(1)


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
