"""The one-click unsubscribe of a mail (RFC 8058): the link in a mail's footer and its
``List-Unsubscribe`` header. A GET shows a button and writes nothing; a POST (a mail
client's ``List-Unsubscribe=One-Click``, with no CSRF token) switches the topic off."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from supervisor.accounts import operations as accounts
from supervisor.extensions import csrf, db
from supervisor.mail import unsubscribe as tokens
from supervisor.mail.topics import Topic
from supervisor.models import Guardian
from supervisor.web.access import not_for_children

bp = Blueprint("mail_choices", __name__)


def _named(token: str) -> tuple[Guardian, Topic]:
    found = tokens.read(token)
    if found is None:
        abort(404)
    guardian = db.session.get(Guardian, found[0])
    if guardian is None or guardian.left_at is not None:
        abort(404)
    return guardian, found[1]


@bp.get("/mail/unsubscribe/<token>")
@not_for_children
def unsubscribe(token: str) -> str:
    guardian, topic = _named(token)
    return render_template(
        "mail_choices/unsubscribe.html",
        guardian=guardian,
        topic=topic,
        token=token,
        stopped=topic.value in (guardian.mail_off or []),
        not_theirs=current_user.is_authenticated and current_user.get_id() != guardian.get_id(),
    )


@bp.post("/mail/unsubscribe/<token>")
@csrf.exempt
@not_for_children
def unsubscribe_post(token: str) -> str:
    guardian, topic = _named(token)
    accounts.mail_off(guardian, topic)
    return render_template("mail_choices/unsubscribed.html", guardian=guardian, topic=topic)
