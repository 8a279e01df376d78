"""Which language a page speaks: the reader's browser asks (Accept-Language), among the
languages the app offers whole (``LANGUAGES``); English otherwise. Outside a request (the
mail worker, a command) there is no browser to ask: the first language offered."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale

from supervisor.extensions import babel


def select_locale() -> str:
    offered: tuple[str, ...] = current_app.config["LANGUAGES"]
    if not has_request_context():
        return offered[0]
    return request.accept_languages.best_match(offered) or offered[0]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    # {% trans %} blocks read as one line of text, however the template wraps them.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    # <html lang> follows the page's language.
    app.context_processor(lambda: {"lang": str(get_locale() or "en")})
