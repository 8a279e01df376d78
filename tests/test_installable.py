"""The manifest and the service worker, as the tablet's browser fetches them."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import text

STATIC = Path(__file__).resolve().parents[1] / "static"


def test_the_manifest_names_the_app_its_icons_and_the_tablets_start_page(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert (manifest["name"], manifest["short_name"]) == ("Supervisor", "Supervisor")
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/who"
    style = (STATIC / "style.css").read_text()
    assert f"--brand: {manifest['theme_color']};" in style
    assert f"--paper: {manifest['background_color']};" in style
    assert [(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]] == [
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    ]
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as png:
            assert png.status_code == 200 and png.mimetype == "image/png"


def test_the_service_worker_is_served_from_the_root_and_every_page_registers_it(client):
    with client.get("/service-worker.js") as worker:
        assert worker.status_code == 200 and worker.mimetype == "text/javascript"
        assert "no-store" in text(worker)  # what it refuses to keep
    page = text(client.get("/login"))
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'data-worker="/service-worker.js"' in page
    assert '<meta name="theme-color" content="#1f5fbf"' in page


def test_the_offline_page_speaks_the_browsers_language_and_may_be_kept(client, auth):
    """The worker keeps it for whoever uses the tablet next: the browser's language, not the
    signed-in guardian's own choice, and nothing that forbids storing it."""
    auth.signup()
    client.submit("/account/language", data={"language": "en"})
    spanish = client.get("/offline", headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert spanish.status_code == 200
    page = text(spanish)
    assert '<html lang="es">' in page and "<h1>Sin conexión</h1>" in page
    assert "Ada" not in page
    assert "Set-Cookie" not in spanish.headers  # nobody's session rides on what is kept
    assert "no-store" not in spanish.headers["Cache-Control"]
    assert "Accept-Language" in spanish.headers["Vary"]
    english = text(client.get("/offline", headers={"Accept-Language": "fr"}))
    assert '<html lang="en">' in english and "<h1>No connection</h1>" in english
    # Every other page of the app forbids keeping it.
    assert client.get("/family/").headers["Cache-Control"] == "no-store"
