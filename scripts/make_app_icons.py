"""Render the app's icons (static/app-icon-*.png) from static/app-icon.svg with Chromium.

Run it after changing the drawing: ``.venv/bin/python scripts/make_app_icons.py``. The
maskable icon fills its square with the drawing's blue and keeps the traffic light inside the
middle 80 %, the part every launcher's mask leaves visible.
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import sync_playwright

STATIC = Path(__file__).resolve().parents[1] / "static"
CHROMIUM = os.environ.get("SUPERVISOR_CHROMIUM", "/usr/bin/chromium")
BLUE = "#1f5fbf"
# file name -> (size in pixels, share of the square the drawing fills, background)
ICONS = {
    "app-icon-192.png": (192, 1.0, "transparent"),
    "app-icon-512.png": (512, 1.0, "transparent"),
    "app-icon-maskable-512.png": (512, 0.8, BLUE),
}


def page_for(svg: str, size: int, share: float, background: str) -> str:
    drawn = round(size * share)
    return (
        f"<html><body style='margin:0;background:{background};width:{size}px;height:{size}px;"
        f"display:flex;align-items:center;justify-content:center'>"
        f"<div style='width:{drawn}px;height:{drawn}px'>{svg}</div></body></html>"
    )


def main() -> None:
    svg = (STATIC / "app-icon.svg").read_text().replace("<svg ", "<svg width='100%' height='100%' ")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless"])
        for name, (size, share, background) in ICONS.items():
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(page_for(svg, size, share, background))
            page.screenshot(path=STATIC / name, omit_background=background == "transparent")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
