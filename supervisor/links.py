"""Absolute links that leave the site (invite and calendar links), built from the configured
``BASE_URL`` rather than from the Host header a request claims.

In production ``BASE_URL`` is required, and unless ``TRUSTED_HOSTS`` is set, only its host
is served: a request naming another host gets 400 before any page is made.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, url_for

EXAMPLE = "https://supervisor.example.org"
# Outside production with no BASE_URL, where links made outside a request (a command) point.
DEVELOPMENT_BASE = "http://127.0.0.1:5000"


def configure(app: Flask) -> None:
    """Check ``BASE_URL`` and, in production, trust its host only (unless told otherwise)."""
    base = app.config.get("BASE_URL")
    production = app.config["ENV_NAME"] == "production"
    if not base:
        if production:
            raise RuntimeError(
                f"Set SUPERVISOR_BASE_URL (such as {EXAMPLE}): production builds the links "
                "it sends from it, never from a request's Host header."
            )
        return
    parts = urlsplit(base)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise RuntimeError(f"SUPERVISOR_BASE_URL must be a site's address, such as {EXAMPLE}.")
    if production and app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = [parts.hostname]


def absolute_url(endpoint: str, **values: Any) -> str:
    """The full address of ``endpoint``: under ``BASE_URL`` when set, else this request's
    (outside a request and outside production, the development server's)."""
    base = current_app.config.get("BASE_URL")
    if not base and has_request_context():
        return url_for(endpoint, _external=True, **values)
    if not base and current_app.config["ENV_NAME"] != "production":
        base = DEVELOPMENT_BASE
    if not base:
        raise RuntimeError("Set SUPERVISOR_BASE_URL: links made outside a request need it.")
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
