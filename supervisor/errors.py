"""Error pages in the product's look; nothing of the app's insides ever reaches the page."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from supervisor.extensions import db

MESSAGES = {
    400: "Something in that request didn't make sense. Go back and try again.",
    403: "This page isn't for the profile that is using the app right now.",
    404: "We couldn't find that page. It may have been removed, or the link is wrong.",
    405: "That page can't be used that way.",
    429: "Too many tries. Wait a little and try again.",
    500: "Something went wrong on our side. Nothing you saved is lost; please try again.",
    503: "The app is not ready to serve right now.",
}


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    """The error page for ``code`` with a plain-words message."""
    text = message or MESSAGES.get(code, "Something went wrong.")
    return render_template("errors/error.html", code=code, message=text), code


def handle_http_error(error: HTTPException) -> tuple[str, int]:
    return render_error(error.code or 500)


def handle_csrf_error(error: CSRFError) -> tuple[str, int]:
    return render_error(
        400, "This form was open too long or came from somewhere else. Please fill it in again."
    )


def handle_unexpected(error: Exception) -> tuple[str, int]:
    """Any exception that escaped a view: a generic page (the details go to the log)."""
    current_app.logger.exception("Unhandled error")
    db.session.rollback()
    return render_error(InternalServerError.code)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
