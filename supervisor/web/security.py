"""Response headers that keep pages from being framed, sniffed, cached or fed foreign scripts."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from supervisor.web.errors import render_error

# Everything comes from this site: no inline script, no other host, no plugins.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


# What a browser (and the tablet's service worker) may keep: nothing of anyone's.
STORABLE = frozenset({"static", "installable.offline"})


def add_security_headers(response: Response) -> Response:
    """Set the security headers on every response."""
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    if current_app.config["HSTS"]:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if request.endpoint not in STORABLE:
        # On a shared tablet the back button must not reopen the previous person's page.
        headers["Cache-Control"] = "no-store"
    return response


def refuse_nul_characters() -> tuple[str, int] | None:
    """No text we store may hold a NUL character (PostgreSQL refuses it): say so, plainly."""
    values = (value for values in request.form.listvalues() for value in values)
    if any("\x00" in value for value in values) or "\x00" in request.path:
        return render_error(
            400,
            _(
                "Something you typed contains a character that can't be saved. Remove it "
                "and try again."
            ),
        )
    return None


def proxy_hops(app: Flask) -> int:
    """``TRUSTED_PROXIES``, checked: a whole number, 0 or more."""
    if "PROXY_HOPS" in app.config:
        raise RuntimeError(
            "SUPERVISOR_PROXY_HOPS is now called SUPERVISOR_TRUSTED_PROXIES: set that instead."
        )
    hops = app.config["TRUSTED_PROXIES"]
    if isinstance(hops, bool) or not isinstance(hops, int) or hops < 0:
        raise RuntimeError(
            "SUPERVISOR_TRUSTED_PROXIES must be how many reverse proxies stand in front of "
            f"the app (0 or more), not {hops!r}."
        )
    return hops


def trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, the client, the scheme, the host and the
    port are what the last that many said (X-Forwarded-For, -Proto, -Host, -Port); without
    it every visitor would count as the proxy's one address. X-Forwarded-Prefix is never
    read: the app is served at the root of its host.

    This is the only place forwarded headers are believed: ``gunicorn.conf.py`` tells
    gunicorn to believe none itself, whichever address the request comes from.
    """
    hops = proxy_hops(app)
    if hops:
        # Flask documents wrapping ``wsgi_app`` in middleware, but types it as a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=0
        )


def init_app(app: Flask) -> None:
    trust_proxies(app)
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
