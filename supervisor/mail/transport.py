"""Handing a finished message to the world: an SMTP server when ``SMTP_HOST`` is set, else
a file in the instance folder's ``MAIL_FOLDER`` (development: see the /dev/mail page)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

from supervisor import clock


class PermanentFailure(Exception):
    """The server refused the message for good (a 5xx answer): trying again cannot help."""


def send(message: EmailMessage) -> None:
    """Send ``message``; raises ``PermanentFailure``, or any other error for a retry."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        write_to_folder(message)
        return
    try:
        with smtplib.SMTP(
            config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=config["SMTP_TIMEOUT"]
        ) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        if all(code >= 500 for code, _text in error.recipients.values()):
            raise PermanentFailure(_first_reason(error)) from error
        raise
    except smtplib.SMTPResponseException as error:
        if error.smtp_code >= 500:
            raise PermanentFailure(f"{error.smtp_code} {error.smtp_error!r}") from error
        raise


def folder() -> Path:
    """Where development mail is written (``MAIL_FOLDER``, inside the instance folder)."""
    path = Path(current_app.config["MAIL_FOLDER"])
    return path if path.is_absolute() else Path(current_app.instance_path) / path


def write_to_folder(message: EmailMessage) -> Path:
    """One ``.eml`` file per message, named so that the newest sorts last."""
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")
    path = target / f"{stamp}-{message['Message-ID'].strip('<>').split('@')[0]}.eml"
    path.write_bytes(bytes(message))
    return path


def _first_reason(error: smtplib.SMTPRecipientsRefused) -> str:
    code, text = next(iter(error.recipients.values()))
    return f"{code} {text!r}"
