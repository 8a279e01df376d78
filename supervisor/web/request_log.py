"""Request logs without secrets, and one id per request.

The development server (werkzeug) and gunicorn (see ``gunicorn.conf.py``) both log each
request line, and gunicorn the referring page too; a token in either would let anyone who
reads the log join the family or read its calendar: the tokens of invite, calendar, reset,
confirmation and unsubscribe links are masked.

Each request has an id, sent back as ``X-Request-ID`` and put on every log line made while
it runs (``supervisor/logs.py``): the one the proxy sent when it is a short safe token, else
a new one.
"""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, g, has_request_context, request
from werkzeug.wrappers import Response

MASK = "[hidden]"
# "/invite/<token>" and "/calendar/<token>.ics", as sent or with the slashes doubled or
# encoded, and with any of the token's characters percent-encoded: everything up to the next
# slash, query, fragment or space goes, except a closing ".ics".
TOKEN_IN_PATH = re.compile(
    r'((?:/|%2F)(?:invite|calendar|password(?:/|%2F)+reset|confirm|mail(?:/|%2F)+unsubscribe)(?:/|%2F)+)[^/?#&\s"]+?(?=\.ics(?![^/?#&\s"])|[/?#&\s"]|$)',
    re.I,
)


def mask_tokens(text: str) -> str:
    """``text`` with the token of every invite, calendar, reset, address-confirmation or
    unsubscribe path in it replaced by MASK."""
    return TOKEN_IN_PATH.sub(rf"\1{MASK}", text)


class MaskTokens(logging.Filter):
    """Masks tokens in every record of the logger it is added to, whatever the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_tokens(record.getMessage())
        record.args = ()
        return True


MASK_TOKENS = MaskTokens()


REQUEST_ID = "X-Request-ID"
# An id from outside is kept only if it cannot break a log line or smuggle a secret in.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id() -> str | None:
    """This request's id (taken or made on first use), or None outside a request."""
    if not has_request_context():
        return None
    taken: str | None = g.get("request_id")
    if taken is None:
        incoming = request.headers.get(REQUEST_ID, "")
        taken = incoming if SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.request_id = taken
    return taken


def _send_request_id(response: Response) -> Response:
    response.headers[REQUEST_ID] = request_id() or ""
    return response


def init_app(app: Flask) -> None:
    """Every answer names its request's id; the development server logs its requests to the
    ``werkzeug`` logger, with tokens masked."""
    app.after_request(_send_request_id)
    logging.getLogger("werkzeug").addFilter(MASK_TOKENS)
