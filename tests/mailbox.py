"""A real SMTP server for the tests (aiosmtpd on a free loopback port), and what it received,
parsed back into messages as a mail client would read them."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from flask import Flask

from supervisor.extensions import db
from supervisor.mail import outbox


@dataclass
class Received:
    """One message as the server got it: envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def to(self) -> str:
        return str(self.message["To"])

    def part(self, subtype: str) -> str:
        """The text/``subtype`` body (``plain`` or ``html``)."""
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        content: str = body.get_content()
        return content

    def links(self) -> list[str]:
        """Every http(s) link in the plain-text part, in order."""
        return re.findall(r"https?://[^\s<>\"]+", self.part("plain"))

    def attachments(self) -> list[EmailMessage]:
        return list(self.message.iter_attachments())  # type: ignore[arg-type]


@dataclass
class Handler:
    """Keeps what arrives; refuses recipients in ``refuse`` with the answer given there."""

    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), message))
        return "250 Message accepted"


class MailServer:
    """An SMTP server on 127.0.0.1 that the app sends to while a test runs."""

    def __init__(self) -> None:
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def to(self, address: str) -> list[Received]:
        return [mail for mail in self.received if address in mail.rcpt_tos]

    def settings(self) -> dict[str, Any]:
        """The app settings that send to this server."""
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_STARTTLS": False}

    def clear(self) -> None:
        self.handler.received.clear()
        self.handler.refuse.clear()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def queue_notice(app: Flask, to: str = "sam@example.org", **extra: Any) -> int:
    """A committed notice for ``to``, as a request or job would leave it; its id."""
    with app.test_request_context(), db.session.begin():
        message = outbox.queue(
            "notice",
            to,
            family_id=None,
            guardian={"name": "Sam"},
            headline="Ada asks for sign-off",
            text="Ada asks for sign-off on Instagram.",
            family_url="https://supervisor.example.org/family/",
            family_name="The Lovelaces",
            unsubscribe_url=None,
            **extra,
        )
        db.session.flush()
        return message.id
