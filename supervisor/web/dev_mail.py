"""``/dev/mail``: on a developer's machine, the messages written to the mail folder (no
SMTP host is set), so a reset link or an invite can be opened without a mail server.

Registered only when ``DEV_MAIL_PAGE`` is set and never in production (see
``supervisor.app``); anyone may read it, as it only exists where one developer works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from flask import Blueprint, abort, render_template
from markupsafe import Markup, escape

from supervisor.mail import transport

bp = Blueprint("dev_mail", __name__)

LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class Listed:
    name: str
    date: str
    to: str
    subject: str


def _files() -> list[Path]:
    folder = transport.folder()
    if not folder.is_dir():
        return []
    return sorted(
        (path for path in folder.iterdir() if path.suffix == ".eml" and path.is_file()),
        key=lambda path: path.name,
        reverse=True,
    )


def _read(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        message = BytesParser(policy=policy.default).parse(handle)
    assert isinstance(message, EmailMessage)  # policy.default makes one
    return message


def linked(text: str) -> Markup:
    """``text`` escaped, with every http(s) address in it made a link."""
    out: list[str] = []
    last = 0
    for match in LINK.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        url = escape(match.group(0))
        out.append(f'<a href="{url}">{url}</a>')
        last = match.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))  # noqa: S704 - every piece above is escaped


@bp.get("/dev/mail")
def index() -> str:
    """Every message written, newest first."""
    listed = []
    for path in _files():
        message = _read(path)
        listed.append(
            Listed(
                path.name,
                str(message.get("Date", "")),
                str(message.get("To", "")),
                str(message.get("Subject", "")),
            )
        )
    return render_template("dev/mail_list.html", messages=listed)


@bp.get("/dev/mail/<name>")
def message(name: str) -> str:
    """One message: its headers and its plain text, links made clickable."""
    path = next((p for p in _files() if p.name == name), None)
    if path is None:
        abort(404)
    parsed = _read(path)
    plain = parsed.get_body(preferencelist=("plain",))
    text = plain.get_content() if plain is not None else ""
    headers = [(key, str(value)) for key, value in parsed.items()]
    return render_template(
        "dev/mail_message.html", name=name, headers=headers, body=linked(str(text))
    )
