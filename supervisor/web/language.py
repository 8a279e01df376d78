"""Which language a page speaks: the one the signed-in person chose for themselves (a child on
the shared tablet may read another than the guardians), else the one the reader's browser asks
for (Accept-Language), among the languages the app offers whole (``LANGUAGES``); English last.
Outside a request (the mail worker, a command) there is nobody to ask: the first offered."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from babel import Locale
from flask import Flask, current_app, has_request_context, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from supervisor.content.translations import LANGUAGES as CONTENT_LANGUAGES
from supervisor.extensions import babel
from supervisor.web.forms.fields import SelectChoice
from supervisor.words import translations

ENGLISH = "en"


def offered() -> tuple[str, ...]:
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    return languages


def several() -> bool:
    """Whether there is a language to choose: a choice of one would be no choice."""
    return len(offered()) > 1


def choices() -> list[SelectChoice]:
    """The browser's language (stored as empty), then each offered language in its own words."""
    return [SelectChoice("", _("As this browser asks"))] + [
        SelectChoice(code, _own_name(code)) for code in offered()
    ]


def _own_name(code: str) -> str:
    """``English``, ``Español``: a language as its readers name it, as a menu starts it."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def speaking(own: str | None) -> AbstractContextManager[None]:
    """A page said to one person before they are signed in (their unlock page on the shared
    tablet) speaks their own language, if they chose one the app offers."""
    return force_locale(own) if own is not None and own in offered() else nullcontext()


def select_locale() -> str:
    if not has_request_context():
        return offered()[0]
    try:
        own: str | None = getattr(current_user, "language", None)
    except SQLAlchemyError:  # the signed-in person's row went meanwhile: the error page asks
        own = None
    if own is not None and own in offered():
        return own
    return request.accept_languages.best_match(offered()) or ENGLISH


def content_language() -> str:
    """The language the page's content (lessons, prompts, walkthroughs, helplines, tips,
    arrangements) is read in: the page's own where content has it, else English. A mail is
    written under its recipient's language, so the same answer holds for it."""
    locale = get_locale()
    language = locale.language if locale is not None else ENGLISH
    return language if language in CONTENT_LANGUAGES else ENGLISH


# Jinja's own newstyle callables take the whole template context, and a call inside a loop
# or a macro copies that context first (every global and every value the page was given):
# on the dashboard that was a tenth of the request. These need only the evaluation context,
# to know whether the output is escaped, and do what Jinja's do: the message is a format
# string, its values escaped into it where the page escapes.
@pass_eval_context
def _template_gettext(context: EvalContext, message: str, **values: object) -> str:
    text = translations().ugettext(message)
    return (Markup(text) if context.autoescape else text) % values  # noqa: S704 - our own catalog, as Jinja trusts it


@pass_eval_context
def _template_ngettext(
    context: EvalContext, singular: str, plural: str, num: int, **values: object
) -> str:
    values.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    return (Markup(text) if context.autoescape else text) % values  # noqa: S704 - our own catalog, as Jinja trusts it


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    # Templates translate through ``words.translations``: Flask-Babel's catalog, found once;
    # ``{% trans %}`` blocks call the same functions, with their values as keywords.
    app.jinja_env.newstyle_gettext = True  # type: ignore[attr-defined]
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext
    )
    # {% trans %} blocks read as one line of text, however the template wraps them.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    # <html lang> follows the page's language.
    app.context_processor(lambda: {"lang": str(get_locale() or ENGLISH)})
