"""What makes the app installable on the family tablet: its web app manifest and the service
worker that shows a page of its own when the tablet is offline.

None of them reads anything of a family or needs a session, so anyone may ask for them.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from supervisor.web import language

bp = Blueprint("installable", __name__)

# The colours of static/style.css: --brand for the tablet's title bar, --paper behind the
# splash screen.
THEME_COLOUR = "#1f5fbf"
BACKGROUND_COLOUR = "#f7f6f2"


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    """The app's name, icons and colours; installed, it opens at the tablet's picker."""
    icons = [
        {"src": "app-icon-192.png", "sizes": "192x192", "purpose": "any"},
        {"src": "app-icon-512.png", "sizes": "512x512", "purpose": "any"},
        {"src": "app-icon-maskable-512.png", "sizes": "512x512", "purpose": "maskable"},
    ]
    response = jsonify(
        {
            "name": "Supervisor",
            "short_name": "Supervisor",
            "description": _("Bringing a child onto social media, one step at a time."),
            "id": "/",
            "start_url": url_for("tablet.picker"),
            "scope": "/",
            "display": "standalone",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": [
                {**icon, "src": url_for("static", filename=icon["src"]), "type": "image/png"}
                for icon in icons
            ],
        }
    )
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/offline")
def offline() -> Response:
    """The page the worker keeps for when the tablet is offline. It is kept for whoever uses
    the tablet next, so it speaks the browser's language, not that of whoever is signed in
    when the worker fetches it; and, having nothing of anyone's, it may be stored."""
    asked = request.accept_languages.best_match(language.offered()) or language.ENGLISH
    with force_locale(asked):
        # Without the context processors: they read who is signed in, which would touch
        # (and send back) the visitor's session on an answer that may be stored.
        page = current_app.jinja_env.get_template("offline.html").render(lang=asked)
    response = Response(page, mimetype="text/html")
    response.headers["Vary"] = "Accept-Language"
    response.headers["Cache-Control"] = "private, no-cache"  # kept by the tablet alone
    return response


@bp.get("/service-worker.js")
def service_worker() -> Response:
    """The worker's script, served from the root so that its scope is the whole app."""
    script = Path(current_app.root_path, current_app.static_folder or "", "service-worker.js")
    return Response(script.read_text(encoding="utf-8"), mimetype="text/javascript")
