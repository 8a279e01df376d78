"""Error pages in the product's look; nothing of the app's insides ever reaches the page."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from werkzeug.exceptions import (
    Conflict,
    HTTPException,
    InternalServerError,
    SecurityError,
)

from supervisor.db import UPGRADE_COMMAND, schema_checked
from supervisor.errors import Refusal
from supervisor.extensions import db
from supervisor.stages import engine
from supervisor.words import say

MESSAGES = {
    400: _l("Something in that request didn't make sense. Go back and try again."),
    403: _l("This page isn't for the profile that is using the app right now."),
    404: _l("We couldn't find that page. It may have been removed, or the link is wrong."),
    405: _l("That page can't be used that way."),
    409: _l(
        "Someone else changed this at the same moment, so nothing of yours was saved. "
        "Look at the page again and, if it is still needed, do it once more."
    ),
    429: _l("Too many tries. Wait a little and try again."),
    500: _l("Something went wrong on our side. Nothing you saved is lost; please try again."),
    503: _l("The app is not ready to serve right now."),
}

# The error page without the app's template: nothing in it can fail.
PLAIN_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{heading} · Supervisor</title>
  <link rel="stylesheet" href="{root}/static/style.css">
</head>
<body>
  <header class="site-header"><a class="brand" href="{root}/">Supervisor</a></header>
  <main id="main">
    <section class="card narrow">
      <h1>{title}</h1>
      <p>{message}</p>
      <p class="actions-left">
        <a class="button button-secondary" href="{root}/">{start}</a>
      </p>
    </section>
  </main>
</body>
</html>
"""


def title(code: int) -> str:
    """The error page's heading."""
    titles = {404: _("Page not found"), 403: _("Not for this profile"), 429: _("Please wait")}
    return titles.get(code, _("Something went wrong") if code >= 500 else _("That didn't work"))


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    """The error page for ``code`` with a plain-words message.

    Should the page itself fail (the signed-in guardian's row deleted by another request
    meanwhile, say, so the header cannot show who is signed in), the plain page goes out
    instead of a second error.
    """
    text = message or str(MESSAGES.get(code) or _("Something went wrong."))
    if isinstance(request.routing_exception, SecurityError):
        return plain_page(code, text)  # a host outside TRUSTED_HOSTS: no link can be built
    try:
        page = render_template("errors/error.html", code=code, title=title(code), message=text)
    except Exception:
        current_app.logger.exception("The error page failed; a plain one was sent")
        return plain_page(code, text)
    return page, code


def plain_page(code: int, text: str) -> tuple[str, int]:
    """The error page without templates, links built or the signed-in person."""
    root = escape(request.script_root)
    page = PLAIN_PAGE.format(
        lang=escape(str(get_locale() or "en")),
        heading=escape(_("Error %(code)s", code=code)),
        title=escape(title(code)),
        message=escape(text),
        start=escape(_("Go to the start page")),
        root=root,
    )
    return page, code


RefusalPage = Callable[[str, int], tuple[str, int] | None]
REFUSAL_PAGES: dict[str, RefusalPage] = {}


def refusal_page(blueprint: Blueprint) -> Callable[[RefusalPage], RefusalPage]:
    """Declare how ``blueprint``'s pages show a refusal (its reason and status): the page the
    form was on, again, with the reason (what was typed is in the form, which reads the POST).
    ``None``, or a row gone meanwhile (404), means the error page."""

    def register(page: RefusalPage) -> RefusalPage:
        REFUSAL_PAGES[blueprint.name] = page
        return page

    return register


def handle_refusal(error: Refusal | engine.Refused) -> tuple[str, int]:
    """The one way a refused operation ends: what the request wrote is undone (what it
    recorded about the refusal kept), and the page shows the reason. A stage move the engine
    refuses is 409 when the page was stale or replayed, 422 when it asked what may not be."""
    if isinstance(error, Refusal) and error.recorded:
        db.keep()
    else:
        db.undo()
    if isinstance(error, engine.Refused):
        reason, code = say(error.reason), 409 if error.conflict else 422
    else:
        reason, code = str(error.description), error.code
    page = REFUSAL_PAGES.get(request.blueprint or "")
    try:
        shown = page(reason, code) if page is not None else None
    except HTTPException:  # the page's own row is gone too
        shown = None
    return shown if shown is not None else render_error(code, reason)


def handle_http_error(error: HTTPException) -> tuple[str, int]:
    db.undo()
    return render_error(error.code or 500)


def handle_csrf_error(error: CSRFError) -> tuple[str, int]:
    return render_error(
        400, _("This form was open too long or came from somewhere else. Please fill it in again.")
    )


# SQLSTATEs of a transaction that lost a race on PostgreSQL: unique and foreign-key
# violations (a row taken, or deleted, by another request meanwhile), serialization failure,
# deadlock. SQLite's writers take turns, so only its constraints can collide.
CONFLICT_STATES = {"23505", "23503", "40001", "40P01"}
SQLITE_CONFLICTS = ("UNIQUE constraint failed", "FOREIGN KEY constraint failed")


def is_conflict(error: sa.exc.DBAPIError) -> bool:
    """True when a database error means "another request got there first", not a bug."""
    state = getattr(error.orig, "sqlstate", None)
    return state in CONFLICT_STATES or any(text in str(error.orig) for text in SQLITE_CONFLICTS)


def handle_conflict(
    error: StaleDataError | ObjectDeletedError | sa.exc.NoResultFound | sa.exc.DBAPIError,
) -> tuple[str, int]:
    """A write that lost a race: 409 with a plain message. A row changed or deleted by
    another request meanwhile, a unique or foreign-key violation and a serialization failure
    count as one; any other database error is a 500."""
    if isinstance(error, sa.exc.DBAPIError) and not is_conflict(error):
        return handle_unexpected(error)
    db.undo()
    return render_error(Conflict.code)


def handle_unexpected(error: Exception) -> tuple[str, int]:
    """Any exception that escaped a view: a generic page (the details go to the log)."""
    current_app.logger.exception("Unhandled error")
    db.undo()
    return render_error(InternalServerError.code)


def refuse_outdated_schema() -> tuple[str, int] | None:
    """Serve nothing from a database whose schema is behind the code, and say the fix."""
    if request.endpoint == "health.health":
        return None  # it says the same in its own words
    try:
        if schema_checked(current_app, db.engine):
            return None
    except sa.exc.OperationalError:
        current_app.logger.exception("The database is not answering")
        return render_error(503, _("The database is not answering. Please try again soon."))
    return render_error(
        503, _("The database needs updating. Run: %(command)s", command=UPGRADE_COMMAND)
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(Refusal, handle_refusal)
    app.register_error_handler(engine.Refused, handle_refusal)
    app.register_error_handler(StaleDataError, handle_conflict)
    app.register_error_handler(ObjectDeletedError, handle_conflict)
    app.register_error_handler(sa.exc.NoResultFound, handle_conflict)
    app.register_error_handler(sa.exc.IntegrityError, handle_conflict)
    app.register_error_handler(sa.exc.OperationalError, handle_conflict)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
