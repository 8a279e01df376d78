"""The stages' ``Words`` in the page's language: a message id and its parameters, translated
where they are shown (``stages`` knows nothing of Flask, so it marks its words and leaves the
translating to here). Pages read them through the ``say`` filter, mail and history texts
call ``say`` directly.
"""

from __future__ import annotations

import flask_babel
from babel import support
from flask import g

from supervisor.stages.base import StageKey, Words


def translations() -> support.NullTranslations:
    """The catalog the page speaks, as Flask-Babel finds it, found once per request and locale.

    Flask-Babel looks the locale and its catalog up afresh for every message (three reads of
    ``g`` and the locale's name each time), and a page translates a hundred. The catalog is
    kept in the request's own Babel state beside the locale and domain it is for, so under
    ``force_locale`` (a locale object of its own, the page's restored after) a mail finds
    its own catalog; nothing outlives the request."""
    try:
        namespace = g._get_current_object()  # one lookup through the proxy, not three
    except RuntimeError:  # no app context: Flask-Babel says what then
        return flask_babel.get_translations()
    state = getattr(namespace, "_flask_babel", None)
    locale = getattr(state, "babel_locale", None)
    if state is None or locale is None:  # nothing translated yet: Flask-Babel chooses
        return flask_babel.get_translations()
    domain = getattr(state, "babel_domain", None)
    kept = getattr(state, "page_translations", None)
    if kept is None or kept[0] is not locale or kept[1] is not domain:
        kept = (locale, domain, flask_babel.get_translations())
        state.page_translations = kept
    found: support.NullTranslations = kept[2]
    return found


def gettext(message: str, **values: object) -> str:
    """Flask-Babel's ``gettext`` through the catalog ``translations`` keeps."""
    text: str = translations().ugettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, num: int, **values: object) -> str:
    """Flask-Babel's ``ngettext`` (``num`` a parameter too) through ``translations``."""
    values.setdefault("num", num)
    text: str = translations().ungettext(singular, plural, num)
    return text % values


def say(words: Words | str | None) -> str:
    """The stages' ``Words`` in the page's language (a plural by ``ngettext``), their
    parameters too; a plain string is already in it (a name, or text translated before)."""
    if words is None:
        return ""
    if isinstance(words, str):
        return words
    values = {name: _shown(value) for name, value in words.params.items()}
    if words.plural is not None and words.count is not None:
        return str(ngettext(words.message, words.plural, words.count, **values))
    return str(gettext(words.message, **values))


def _shown(value: object) -> object:
    if isinstance(value, StageKey):
        return gettext(value.label)
    if isinstance(value, Words):
        return say(value)
    if isinstance(value, list | tuple):
        return "; ".join(str(_shown(item)) for item in value)
    return value
