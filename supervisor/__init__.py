"""supervisor: a family's companion for bringing a child onto social media step by step."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from config import CONFIGS, Config
from supervisor import links
from supervisor.db import ROOT
from supervisor.tracks import facts


def create_app(
    config: type[Config] | None = None, overrides: Mapping[str, Any] | None = None
) -> Flask:
    """Build the app: configuration first, then extensions, blueprints, error pages, commands."""
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
    facts.check_complete()
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
    from supervisor import access, authority, request_log, security, templating
    from supervisor.auth import sessions
    from supervisor.extensions import csrf, db, login_manager
    from supervisor.tablet import devices

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(sessions.load)
    login_manager.unauthorized_handler(access.unauthorized)
    authority.init_app(app)
    security.init_app(app)
    request_log.init_app(app)
    devices.init_app(app)
    templating.init_app(app)
    db.end_requests(app)  # last: its error page, should a COMMIT fail, gets the hooks above


def register_converters(app: Flask) -> None:
    from supervisor import routing

    routing.init_app(app)


def register_blueprints(app: Flask) -> None:
    from supervisor.auth.views import bp as auth_bp
    from supervisor.child.views import bp as child_bp
    from supervisor.family.guardians import bp as guardians_bp
    from supervisor.family.views import bp as family_bp
    from supervisor.family.words import bp as family_words_bp
    from supervisor.health import bp as health_bp
    from supervisor.lessons.overview import bp as family_lessons_bp
    from supervisor.lessons.player import bp as lessons_bp
    from supervisor.permit.calendar import bp as calendar_bp
    from supervisor.permit.views import bp as permit_bp
    from supervisor.tablet.manage import bp as devices_bp
    from supervisor.tablet.views import bp as tablet_bp
    from supervisor.tracks.views import bp as tracks_bp

    for blueprint in (
        auth_bp,
        family_bp,
        guardians_bp,
        family_words_bp,
        devices_bp,
        tablet_bp,
        child_bp,
        tracks_bp,
        lessons_bp,
        family_lessons_bp,
        permit_bp,
        calendar_bp,
        health_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from supervisor import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from supervisor import cli

    cli.init_app(app)
