"""One logging set-up for the app, the worker and gunicorn (``gunicorn.conf.py``).

The root logger writes to standard error; gunicorn's access log to standard output. Every
line goes through the same formatter and filters: plain text, or one JSON object per line
with ``SUPERVISOR_LOG_FORMAT=json``; the id of the request it was made in
(``X-Request-ID``, see ``web/request_log.py``); URL tokens masked. The level is
``SUPERVISOR_LOG_LEVEL`` (default INFO). SQLAlchemy keeps its own logger at WARNING, so no
statement is logged at any level, and the engine hides a failing statement's parameters.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

from supervisor.web.request_log import MASK, MASK_TOKENS, mask_tokens, request_id

LEVEL = "SUPERVISOR_LOG_LEVEL"
FORMAT = "SUPERVISOR_LOG_FORMAT"
FORMATS = ("text", "json")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
TEXT = "%(asctime)s [%(process)d] %(levelname)s %(name)s [%(request_id)s] %(message)s"
NO_REQUEST = "-"
# gunicorn's "combined" format and the time the answer took; the request id comes from the
# response header (the atom ``{x-request-id}o``) into the line's own field.
ACCESS_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
ACCESS_LOGGER = "gunicorn.access"
ACCESS_FIELDS = ("method", "path", "status", "duration_ms")
_MARK = "_supervisor"
# PostgreSQL names the values of a broken constraint in its own message ("DETAIL: Key
# (email)=(ada@example.org) already exists."): not a statement parameter, but as private.
KEY_VALUES = re.compile(r"(Key \([^)]*\))=\(.*?\)(?=[ .,;]|$)", re.M)


def masked(text: str) -> str:
    """``text`` as a line may show it: URL tokens and a database error's values hidden."""
    return KEY_VALUES.sub(rf"\1=({MASK})", mask_tokens(text))


def level() -> int:
    """``SUPERVISOR_LOG_LEVEL`` as a number; a name that is no level stops the start."""
    name = os.environ.get(LEVEL, "INFO").strip().upper()
    if name not in LEVELS:
        raise RuntimeError(f"{LEVEL} must be one of {', '.join(LEVELS)}, not {name!r}.")
    number: int = logging.getLevelNamesMapping()[name]
    return number


def format_name() -> str:
    """``SUPERVISOR_LOG_FORMAT``: ``text`` (the default) or ``json``."""
    name = os.environ.get(FORMAT, "text").strip().lower()
    if name not in FORMATS:
        raise RuntimeError(f"{FORMAT} must be one of {', '.join(FORMATS)}, not {name!r}.")
    return name


class RequestFields(logging.Filter):
    """Puts ``request_id`` on every record: the current request's, or for a line of
    gunicorn's access log the one its answer sent, with the method, path (tokens masked),
    status and duration. Add it before ``MASK_TOKENS``, which drops a record's arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request_id"):  # a second handler of the same record
            return True
        atoms = record.args
        if record.name == ACCESS_LOGGER and isinstance(atoms, Mapping):
            record.request_id = atoms.get("{x-request-id}o", NO_REQUEST)
            record.method = atoms.get("m", NO_REQUEST)
            record.path = mask_tokens(str(atoms.get("U", NO_REQUEST)))
            record.status = _number(atoms.get("s"))
            record.duration_ms = _number(atoms.get("D")) / 1000
        else:
            record.request_id = request_id() or NO_REQUEST
        return True


def _number(atom: Any) -> int:
    try:
        return int(atom)
    except (TypeError, ValueError):
        return 0


REQUEST_FIELDS = RequestFields()


class TextFormatter(logging.Formatter):
    """One line: time, level, logger, request id, message; tokens and a database error's
    values masked, in tracebacks too."""

    def __init__(self) -> None:
        super().__init__(TEXT, defaults={"request_id": NO_REQUEST})

    def format(self, record: logging.LogRecord) -> str:
        return masked(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, process, message, request_id; for an
    access line method, path, status and duration_ms; a traceback as ``exception``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "process": record.process,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_REQUEST),
        }
        for field in ACCESS_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # Masked field by field: masking the encoded line could eat a quote's escape.
        shown = {k: masked(v) if isinstance(v, str) else v for k, v in entry.items()}
        return json.dumps(shown, ensure_ascii=False)


def formatter() -> logging.Formatter:
    """The formatter ``SUPERVISOR_LOG_FORMAT`` names."""
    return JsonFormatter() if format_name() == "json" else TextFormatter()


def adopt(handler: logging.Handler) -> logging.Handler:
    """``handler`` with this set-up's formatter and filters (gunicorn's own handlers too)."""
    handler.setFormatter(formatter())
    handler.addFilter(REQUEST_FIELDS)  # first: it reads the arguments MASK_TOKENS drops
    handler.addFilter(MASK_TOKENS)
    return handler


class _StandardError:
    """Whatever ``sys.stderr`` is when a line is written (a test's capture replaces it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure(stream: TextIO | None = None) -> logging.Handler:
    """The root logger's handler (to ``stream``, standard error by default) at the level
    and in the format the environment names; it replaces one an earlier call added."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(old)
        old.close()
    handler = adopt(logging.StreamHandler(stream or _StandardError()))
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    root.setLevel(level())
    return handler
