"""The stages' ``Words`` in the page's language: a message id and its parameters, translated
where they are shown (``stages`` knows nothing of Flask, so it marks its words and leaves the
translating to here). Pages read them through the ``say`` filter, mail and history texts
call ``say`` directly.
"""

from __future__ import annotations

from flask_babel import gettext, ngettext

from supervisor.stages.base import StageKey, Words


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
