"""Which guardian pages are a look at a child's records, declared once (who looked).

Every guardian GET whose URL names a child or a track is either in ``VIEWS`` (what the child
is told was looked at) or in ``EXEMPT`` with the reason; a test walks the URL map and fails on
one in neither. A look is noted while the view's rows are loaded, before the request's COMMIT,
and counted after it in a short transaction of its own (``looked.record``): a GET writes
nothing in its own transaction, and a look that cannot be counted is logged, never a failed
page.

The page a guardian is sent to right after their own save (a form that answers with a
redirect) is not a look: they are shown what they just did. The save leaves the redirect's
path in the session, and the next request, whatever it is, takes it away again; only a GET of
exactly that path goes uncounted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app, g, request, session
from flask_babel import LazyString, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from supervisor import clock
from supervisor.extensions import db
from supervisor.family import looked
from supervisor.local_time import family_zone, when
from supervisor.models import Child, Guardian, Track
from supervisor.tracks.operations import track_name


@dataclass(frozen=True)
class Page:
    """A kind of page of a child's: what a guardian did there, said to the child (``yours``)
    and to the guardians (``theirs``, with ``%(child)s`` the child's name); ``%(track)s`` is
    the track's name. Two whole sentences, since a language may not say "your" and "Mo's"
    in the same place."""

    kind: str
    yours: str
    theirs: str
    name: str = ""  # how the guardians' list names this kind of page; none: not listed
    method: str = "GET"


TRACK = Page(
    "track",
    _l("looked at your %(track)s track and its history"),
    _l("looked at %(child)s's %(track)s track and its history"),
    _l("a track"),
)
CHECKINS = Page(
    "checkins",
    _l("looked at your %(track)s check-ins"),
    _l("looked at %(child)s's %(track)s check-ins"),
    _l("check-ins"),
)
VIEWS: dict[str, Page] = {
    "tracks.show": TRACK,
    "family_lessons.child_lessons": Page(
        "lessons",
        _l("looked at your lessons and quiz scores"),
        _l("looked at %(child)s's lessons and quiz scores"),
        _l("the lessons"),
    ),
    "permit.agreement": Page(
        "agreement",
        _l("looked at your %(track)s agreement"),
        _l("looked at %(child)s's %(track)s agreement"),
        _l("the agreement"),
    ),
    "permit.walkthrough": Page(
        "walkthrough",
        _l("looked at your %(track)s privacy walkthroughs"),
        _l("looked at %(child)s's %(track)s privacy walkthroughs"),
        _l("the privacy walkthroughs"),
    ),
    "permit.monitoring": Page(
        "arrangement",
        _l("looked at how guardians look in on your %(track)s"),
        _l("looked at how guardians look in on %(child)s's %(track)s"),
        _l("how guardians look in"),
    ),
    "permit.checkin_schedule": Page(
        "schedule",
        _l("looked at your %(track)s check-in schedule"),
        _l("looked at %(child)s's %(track)s check-in schedule"),
        _l("the check-in schedule"),
    ),
    "permit.record_checkin": CHECKINS,
    "permit.correct_checkin": CHECKINS,
    "permit.checkin_together": CHECKINS,
    "permit.withdraw_moment": Page(
        "moments",
        _l("looked at your %(track)s learning moments"),
        _l("looked at %(child)s's %(track)s learning moments"),
        _l("learning moments"),
    ),
    "family.export_data": Page(  # told apart: the download of the family's data
        "export",
        _l("downloaded everything the family has stored (your records too)"),
        _l("downloaded everything the family has stored (%(child)s's records too)"),
        "",
        "POST",
    ),
}
KINDS = {page.kind: page for page in VIEWS.values()}


def _page_names() -> str:
    return ", ".join(str(page.name) for page in KINDS.values() if page.name)


PAGE_NAMES = LazyString(_page_names)  # in the reader's language each time it is shown

EXEMPT: dict[str, str] = {
    "tracks.add": "a form to start a track: only the child's name is on it",
    "family.edit_child": "the profile form the guardians filled in themselves",
    "family.birth_date": "the profile form the guardians filled in themselves",
    "family.set_pin": "a form for a new PIN: the PIN itself is never shown",
    "family.delete_child": "the form that deletes the profile, asking the password first",
    "permit.walkthrough_step": "a step of the platform's own guide, the same for every child",
    "permit.add_moment": "a blank form for a new learning moment",
    "family.who_looked": "the list of who looked itself, the same the child reads",
    "tracks.card": "the licence card: each track's stage and since when, as the family page shows",
}

WEEK = 7
AFTER_SAVE = "_after_save"  # the path a guardian's save redirected to, for one request
REDIRECTS = {301, 302, 303, 307, 308}


def _note(response: Response) -> Response:
    """Before the COMMIT: a guardian's successful look at a page in ``VIEWS``, noted in ``g``
    while the view's rows are still loaded (no query for a track or child page). Every
    request takes away the path the last save left (``_count`` leaves it)."""
    after_save = session.pop(AFTER_SAVE, None) if AFTER_SAVE in session else None
    page = VIEWS.get(request.endpoint or "")
    if page is None or request.method != page.method or response.status_code != 200:
        return response
    if not (current_user.is_authenticated and current_user.is_guardian):
        return response
    if request.method == "GET" and after_save == request.path:
        return response  # the page shown right after the guardian's own save
    try:
        g.looks = list(_looks(page, current_user))
    except sa.exc.SQLAlchemyError:
        current_app.logger.warning("A guardian's look could not be noted", exc_info=True)
    return response


def _looks(page: Page, guardian: Guardian) -> Iterator[looked.Look]:
    args = request.view_args or {}
    day = clock.now().astimezone(family_zone()).date()
    subjects: list[tuple[int, int]]
    if "track_id" in args:
        track = db.session.get(Track, args["track_id"])
        subjects = [(track.child_id, track.id)] if track is not None else []
    elif "child_id" in args:
        subjects = [(args["child_id"], looked.NO_TRACK)]
    else:  # the whole family's: the data export
        children = db.session.scalars(
            sa.select(Child.id).where(Child.family_id == guardian.family_id)
        )
        subjects = [(child_id, looked.NO_TRACK) for child_id in children]
    for child_id, track_id in subjects:
        yield looked.Look(guardian.family_id, guardian.id, child_id, page.kind, track_id, day)


def _count(response: Response) -> Response:
    """After the COMMIT: count the noted looks in a transaction of their own; a guardian's
    save that stood (its redirect survived the COMMIT) leaves its page's path for the next
    request."""
    saved = request.method == "POST" and response.status_code in REDIRECTS
    saved = saved and request.blueprint != "auth"  # signing in saves nothing of the child's
    if saved and current_user.is_authenticated and current_user.is_guardian:
        session[AFTER_SAVE] = urlsplit(response.location).path
    looks: list[looked.Look] = g.pop("looks", [])
    if not looks or response.status_code != 200:
        return response
    try:
        with db.engine.begin() as connection:
            for look in looks:
                looked.record(connection, look, clock.now())
    except Exception:  # the page is served whatever happens to the count
        current_app.logger.warning("A guardian's look was not counted", exc_info=True)
    return response


def init_app(app: Flask) -> None:
    """Register before ``db.end_requests``: the count then runs after the COMMIT."""
    app.after_request(_count)


def note_views(app: Flask) -> None:
    """Register after ``db.end_requests``: the note then runs before the COMMIT."""
    app.after_request(_note)


def sentence(seen: looked.Seen, child: str | None, day: str) -> str:
    """``Sam looked at your Instagram track and its history today at 15:40.`` (to the child;
    ``child``: the child's name, as the guardians read it), or for more than one visit
    ``... today between 09:10 and 15:40 (3 visits).``"""
    page = KINDS.get(seen.page)
    if child is None:
        words = page.yours if page else _("looked at your pages")
    else:
        words = page.theirs if page else _("looked at %(child)s's pages")
    what = words % {"child": child, "track": track_name(seen.track) if seen.track else ""}
    last = when(seen.last_at, "time")
    if seen.times > 1:
        return ngettext(
            "%(guardian)s %(what)s %(day)s between %(first)s and %(last)s (%(num)d visit).",
            "%(guardian)s %(what)s %(day)s between %(first)s and %(last)s (%(num)d visits).",
            seen.times,
            guardian=seen.guardian, what=what, day=day, first=when(seen.first_at, "time"),
            last=last,
        )  # fmt: skip
    return _(
        "%(guardian)s %(what)s %(day)s at %(time)s.",
        guardian=seen.guardian, what=what, day=day, time=last,
    )  # fmt: skip


def in_week(day: date, today: date) -> str:
    """A day of the last seven as a child says it: today, yesterday, on Tuesday."""
    if day == today:
        return _("today")
    if day == today - timedelta(days=1):
        return _("yesterday")
    return _("on %(weekday)s", weekday=when(day, "weekday"))


def this_week(child_id: int) -> list[str]:
    """Who looked at the child's pages in the last seven days, one query, said to the child."""
    today = _today()
    return [
        sentence(seen, None, in_week(seen.day, today))
        for seen in looked.since(child_id, today - timedelta(days=WEEK - 1))
    ]


def kept(child_id: int, child: str | None = None) -> list[str]:
    """Every look still kept (the last 90 days), one query; said to the child, or with
    ``child``'s name to the guardians."""
    first = _today() - timedelta(days=looked.KEPT_DAYS)
    return [
        sentence(s, child, _("on %(day)s", day=when(s.day))) for s in looked.since(child_id, first)
    ]


def _today() -> date:
    return clock.now().astimezone(family_zone()).date()
