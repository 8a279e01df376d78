"""Messages for guardians on the family page: what the child or another guardian did; and,
when the notice has a topic, the same by mail to each guardian who wants it.

A notice is kept as a message to translate and its placeholders (``Notice``), not as finished
text, so each guardian reads it in their own language: on the page when it is shown, in mail
in the recipient's. Mark its message with ``N_`` (``Nn_`` for a message with a plural, as the
stages mark their words), so the extractor sees it. A placeholder holds a name as the family
typed it, a number, a word to translate (``Word``), a stage (``Stage``), a time or a day
(``Moment``, shown in the family's zone and the reader's language), a birth month
(``Month``), names to quote (``Quoted``), or another notice (``Notice``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from supervisor import clock, links
from supervisor.content import places
from supervisor.extensions import db
from supervisor.local_time import month_year, page_locale, when
from supervisor.mail import outbox, unsubscribe
from supervisor.mail.topics import LABELS, Topic
from supervisor.models import Guardian, Notification
from supervisor.stages.base import N_ as N_  # the markers, for the call sites to import here
from supervisor.stages.base import Nn_ as Nn_
from supervisor.stages.base import StageKey, Words

HEADLINES = {
    Topic.SIGN_OFF_REQUEST: _l("A sign-off request is waiting"),
    Topic.SECOND_SIGNATURE: _l("A sign-off waits for your signature"),
    Topic.CHECKIN_TOMORROW: _l("A check-in is tomorrow"),
    Topic.CHECKIN_OVERDUE: _l("A check-in is overdue"),
    Topic.REFLECTION: _l("A new reflection"),
}
SUBJECT_LENGTH = 100  # a security notice's subject: its first sentence, cut near this


@dataclass(frozen=True)
class Word:
    """A placeholder that is itself a message (marked with ``N_``), read in the reader's words."""

    message: str


@dataclass(frozen=True)
class Stage:
    """A stage, by its name in the reader's language."""

    key: StageKey


@dataclass(frozen=True)
class Moment:
    """A time (in the family's zone) or a bare day, in one of ``local_time``'s styles."""

    at: datetime | date
    style: str = "datetime"


@dataclass(frozen=True)
class Month:
    """A month of a year, as a birth month reads: ``August 2014``."""

    year: int
    month: int


@dataclass(frozen=True)
class Country:
    """A country, by its ISO code, named in the reader's language."""

    code: str


@dataclass(frozen=True)
class Zone:
    """A time zone, by its tz database name, as the reader's language names it."""

    name: str


@dataclass(frozen=True)
class Quoted:
    """Names the family typed, each in quotation marks, one after another: “A”, “B”."""

    names: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    """A message (its plural too, counted by ``params["num"]``) and its placeholders."""

    message: str
    params: Mapping[str, Param] = field(default_factory=dict)
    plural: str | None = None

    def __str__(self) -> str:
        return render(self)

    def then(self, *more: Notice | None) -> Notice:
        """This notice followed by the sentences of ``more`` (those given)."""
        told = self
        for other in more:
            if other is not None:
                told = Notice(N_("%(first)s %(then)s"), {"first": told, "then": other})
        return told


Param = str | int | Word | Stage | Moment | Month | Country | Zone | Quoted | Notice


def notice(message: str, /, **params: Param) -> Notice:
    """``notice(N_("%(name)s set %(child)s's PIN."), name=..., child=...)``."""
    return Notice(message, params)


def plural_notice(words: Words) -> Notice:
    """``plural_notice(Nn_("one …", "%(num)d …", n, name=...))``: the form follows ``n``."""
    if words.plural is None or words.count is None:
        raise ValueError(f"{words.message!r} has no plural")
    params = {name: _param(value) for name, value in words.params.items()}
    return Notice(words.message, {**params, "num": words.count}, plural=words.plural)


def _param(value: object) -> Param:
    """A parameter of the stages' ``Words`` as a notice keeps it."""
    if isinstance(value, StageKey):
        return Stage(value)
    if isinstance(value, Words):
        params = {name: _param(v) for name, v in value.params.items()}
        if value.count is not None:
            params["num"] = value.count
        return Notice(value.message, params, value.plural)
    if isinstance(
        value, str | int | Word | Stage | Moment | Month | Country | Zone | Quoted | Notice
    ):
        return value
    raise TypeError(f"a notice cannot keep {value!r}")


def render(told: Notice, zone: str | None = None) -> str:
    """``told`` in the page's language (the one forced for a mail); times in ``zone``, or the
    family's of whoever is signed in."""
    values = {name: _value(value, zone) for name, value in told.params.items()}
    if told.plural is not None:
        return ngettext(told.message, told.plural, int(values.pop("num")), **values)
    return _(told.message, **values)


def _value(value: Param, zone: str | None) -> str | int:
    match value:
        case Notice():
            return render(value, zone)
        case Word(message):
            return _(message)
        case Stage(key):
            return _(str(key.label))
        case Moment(at, style):
            return when(at, style, zone)
        case Month(year, month):
            return month_year(year, month)
        case Country(code):
            return places.country_name(code, page_locale()) or code
        case Zone(name):
            return places.zone_label(name, page_locale())
        case Quoted(names):
            return ", ".join(_("“%(name)s”", name=name) for name in names)
    return value


def to_json(told: Notice) -> dict[str, Any]:
    """The placeholders of ``told`` as stored (``Notification.params``)."""
    return {name: _stored(value) for name, value in told.params.items()}


def _stored(value: Param) -> Any:
    match value:
        case Notice():
            return {"notice": value.message, "plural": value.plural, "params": to_json(value)}
        case Word(message):
            return {"word": message}
        case Stage(key):
            return {"stage": key.value}
        case Moment(at, style):
            return {"at": at.isoformat(), "style": style}
        case Month(year, month):
            return {"month": [year, month]}
        case Country(code):
            return {"country": code}
        case Zone(name):
            return {"zone": name}
        case Quoted(names):
            return {"quoted": list(names)}
    return value


def from_json(message: str, params: Mapping[str, Any] | None, plural: str | None) -> Notice:
    return Notice(message, {k: _loaded(v) for k, v in (params or {}).items()}, plural)


def _loaded(value: Any) -> Param:
    if not isinstance(value, dict):
        return value  # type: ignore[no-any-return]
    if "notice" in value:
        return from_json(value["notice"], value["params"], value["plural"])
    if "word" in value:
        return Word(value["word"])
    if "stage" in value:
        return Stage(StageKey(value["stage"]))
    if "at" in value:
        at = value["at"]
        moment = datetime.fromisoformat(at) if "T" in at else date.fromisoformat(at)
        return Moment(moment, value["style"])
    if "month" in value:
        return Month(*value["month"])
    if "country" in value:
        return Country(value["country"])
    if "zone" in value:
        return Zone(value["zone"])
    return Quoted(tuple(value["quoted"]))


@dataclass(frozen=True)
class Shown:
    """A notification as its page lists it: when, and what it says in the reader's words."""

    created_at: datetime
    text: str


def read(note: Notification) -> str:
    """What ``note`` says, in the page's language; a notice from before messages were kept
    reads as it was written."""
    if note.message is None:
        return note.text or ""
    return render(from_json(note.message, note.params, note.plural))


def notify_guardians(
    family_id: int,
    told: Notice,
    *,
    skip: Guardian | None = None,
    topic: Topic | None = None,
    in_app: bool = True,
) -> None:
    """A notification for every guardian of the family but ``skip`` (the one who acted);
    with a ``topic``, a mail too to each of them whose address is confirmed and who has not
    switched the topic off (security notices cannot be switched off), in their language.
    ``in_app=False``: the mail only, where the page already shows the matter in a card of
    its own."""
    guardians = db.session.scalars(
        sa.select(Guardian).where(Guardian.family_id == family_id, Guardian.left_at.is_(None))
    ).all()
    now = clock.now()
    others = [g for g in guardians if skip is None or g.id != skip.id]
    if in_app:
        params = to_json(told)
        db.session.add_all(
            Notification(
                family_id=family_id,
                guardian_id=g.id,
                created_at=now,
                message=told.message,
                plural=told.plural,
                params=params,
            )
            for g in others
        )
    if topic is None:
        return
    for guardian in others:
        if wants(guardian, topic):
            zone = guardian.family.timezone
            mail_notice(
                guardian,
                topic,
                "notice",
                headline=_Later(partial(_headline_of, topic, told, zone)),
                text=_Later(partial(render, told, zone)),
            )


class _Later:
    """Text written when the mail is rendered, in the language forced for its recipient."""

    def __init__(self, write: Callable[[], str]) -> None:
        self.write = write

    def __str__(self) -> str:
        return self.write()


def _headline_of(topic: Topic, told: Notice, zone: str) -> str:
    return headline(topic, render(told, zone))


def headline(topic: Topic, text: str) -> str:
    """The subject of a notice's mail; a security notice says what happened, as the first
    sentence of its ``text`` tells it (``Security notice: Grace joined the family ...``)."""
    if topic is not Topic.SECURITY:
        return str(HEADLINES[topic])
    first = re.split(r"(?<=[.;])\s+", text.strip(), maxsplit=1)[0].rstrip(".;")
    if len(first) > SUBJECT_LENGTH:
        first = first.split(": ", 1)[0]  # what happened, before what it means
    if len(first) > SUBJECT_LENGTH:
        first = first[:SUBJECT_LENGTH].rsplit(" ", 1)[0] + " …"
    return _("Security notice: %(what)s", what=first)


def wants(guardian: Guardian, topic: Topic) -> bool:
    """Whether ``guardian`` gets mail on ``topic`` (a confirmed address, the topic on)."""
    return outbox.may_mail(guardian) and (
        topic is Topic.SECURITY or topic.value not in (guardian.mail_off or [])
    )


def mail_notice(
    guardian: Guardian,
    topic: Topic,
    kind: str,
    *,
    attachments: list[dict[str, str]] | None = None,
    **context: Any,
) -> None:
    """Queue mail ``kind`` on ``topic`` for ``guardian``, with the one-click unsubscribe
    headers when the topic is optional."""
    headers: dict[str, str] = {}
    unsubscribe_url = None
    if topic.optional:
        unsubscribe_url = links.absolute_url(
            "mail_choices.unsubscribe", token=unsubscribe.token(guardian.id, topic)
        )
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    outbox.to_guardian(
        kind,
        guardian,
        headers=headers,
        attachments=attachments,
        family_url=links.absolute_url("family.home"),
        family_name=guardian.family.name,
        unsubscribe_url=unsubscribe_url,
        choices_url=links.absolute_url("auth.account") + "#mail",
        topic_label=LABELS[topic],  # read in the recipient's language
        **context,
    )
