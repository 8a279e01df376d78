"""Request logs without secrets: the tokens of invite and calendar links are masked.

The development server (werkzeug) and gunicorn (see ``gunicorn.conf.py``) both log each
request line, and gunicorn the referring page too; a token in either would let anyone who
reads the log join the family or read its calendar.
"""

from __future__ import annotations

import logging
import re

from flask import Flask

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


def init_app(app: Flask) -> None:
    """The development server logs its requests to the ``werkzeug`` logger."""
    logging.getLogger("werkzeug").addFilter(MASK_TOKENS)
