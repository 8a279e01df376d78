"""Absolute links that leave the site (invite and calendar links), built from the configured
``BASE_URL`` rather than from the Host header a request claims.

In production ``BASE_URL`` is required, and only its host is served, with those listed in
``TRUSTED_HOSTS``: a request naming another host gets 400 before any page is made. Outside
production every host is served unless ``TRUSTED_HOSTS`` is set. Behind reverse proxies the
host checked is the one the trusted proxy names (``TRUSTED_PROXIES``, supervisor/web/security.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, url_for

EXAMPLE = "https://supervisor.example.org"
# Outside production with no BASE_URL, where links made outside a request (a command) point.
DEVELOPMENT_BASE = "http://127.0.0.1:5000"


def configure(app: Flask) -> None:
    """Check ``BASE_URL`` and ``TRUSTED_HOSTS``; in production, serve BASE_URL's host and the
    ones listed only."""
    hosts = trusted_hosts(app.config.get("TRUSTED_HOSTS"))
    app.config["TRUSTED_HOSTS"] = hosts
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
    if hosts is not None or production:
        # BASE_URL's own host is always served: listing others cannot lock the site out.
        own = [parts.hostname]
        app.config["TRUSTED_HOSTS"] = own + [host for host in hosts or () if host not in own]


def trusted_hosts(value: object) -> list[str] | None:
    """``TRUSTED_HOSTS`` as a list: from the environment it is a comma-separated string (or a
    JSON list); unset or empty, ``None``."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise RuntimeError(
            "SUPERVISOR_TRUSTED_HOSTS must list host names, such as "
            "'supervisor.example.org,10.0.0.5'."
        )
    hosts = [host.strip() for host in value if host.strip()]
    return hosts or None


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
