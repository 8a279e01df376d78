"""The app factory: configuration, extensions, blueprints, error pages and commands."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask

from supervisor import cli, links, logs, passwords, revisions
from supervisor.accounts import sessions
from supervisor.extensions import csrf, db, login_manager
from supervisor.jobs import tasks as jobs
from supervisor.layout import ROOT, root_module
from supervisor.tablet import devices
from supervisor.web import (
    access,
    auth,
    authority,
    dev_mail,
    errors,
    health,
    installable,
    language,
    mail_choices,
    request_log,
    routing,
    security,
    tablet,
    templating,
    who_looked,
)
from supervisor.web.family import (
    calendar,
    family,
    family_help,
    family_lessons,
    family_words,
    guardians,
    permit,
    tracks,
)
from supervisor.web.family import devices as device_pages
from supervisor.web.me import child, child_help, lessons

if TYPE_CHECKING:
    from config import Config

# config.py's classes: the checkout's top-level `config`, or the installed wheel's
# `supervisor.root.config` (supervisor/layout.py tells which).
CONFIGS: dict[str, type[Config]] = import_module(root_module("config")).CONFIGS


def create_app(
    config: type[Config] | None = None, overrides: Mapping[str, Any] | None = None
) -> Flask:
    """Build the app: logging and configuration first, then extensions, blueprints, error
    pages, commands."""
    logs.configure()  # before Flask's logger is made, so it adds no handler of its own
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    configure(app, config, overrides)
    register_extensions(app)
    register_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def configure(app: Flask, config: type[Config] | None, overrides: Mapping[str, Any] | None) -> None:
    """Class defaults, then ``SUPERVISOR_*`` environment variables, then explicit overrides."""
    config = config or CONFIGS[os.environ.get("SUPERVISOR_ENV", "production")]
    app.config.from_object(config)
    app.config.from_prefixed_env("SUPERVISOR")
    app.config.update(overrides or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app)
    links.configure(app)


def _instance_secret_key(app: Flask) -> str:
    """Outside production, a key generated once and kept in the instance folder."""
    if app.config["ENV_NAME"] == "production":
        raise RuntimeError("Set SUPERVISOR_SECRET_KEY: production never makes up its own key.")
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def register_extensions(app: Flask) -> None:
    passwords.init_app(app)
    db.init_app(app)
    revisions.watch(app.extensions["database"])
    jobs.init_app(app)
    # First of the hooks: the others read the database, and on SQLite a POST's session holds
    # the write lock that the schema check's own connection would then wait for.
    app.before_request(errors.refuse_outdated_schema)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(sessions.load)
    login_manager.unauthorized_handler(access.unauthorized)
    authority.init_app(app)
    security.init_app(app)
    request_log.init_app(app)
    devices.init_app(app)
    templating.init_app(app)
    language.init_app(app)
    who_looked.init_app(app)  # counts a guardian's look once the request's COMMIT is done
    db.end_requests(app)  # last: its error page, should a COMMIT fail, gets the hooks above
    who_looked.note_views(app)  # notes the look before that COMMIT, while its rows are loaded


def register_converters(app: Flask) -> None:
    routing.init_app(app)


BLUEPRINTS = (
    auth,
    family,
    guardians,
    family_words,
    device_pages,
    tablet,
    child,
    tracks,
    lessons,
    family_lessons,
    permit,
    calendar,
    health,
    installable,
    mail_choices,
    child_help,
    family_help,
)


# Registered only on a developer's machine (never in production): the written mail.
DEV_BLUEPRINTS = (dev_mail,)


def register_blueprints(app: Flask) -> None:
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    if app.config.get("DEV_MAIL_PAGE") and app.config["ENV_NAME"] != "production":
        for module in DEV_BLUEPRINTS:
            app.register_blueprint(module.bp)


def register_errorhandlers(app: Flask) -> None:
    errors.init_app(app)


def register_commands(app: Flask) -> None:
    cli.init_app(app)
