"""Interface icons written into the page from static/icons/tabler/: no emoji font needed, no
extra request, and the icon takes the colour and size of the text around it (currentColor)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from flask import current_app
from markupsafe import Markup, escape

FOLDER = Path("icons") / "tabler"
# What is kept of a Tabler file's <svg> tag: its drawing, not its fixed size or classes.
KEPT = ("viewBox", "fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin")
_SVG = re.compile(r"<svg\b([^>]*)>(.*)</svg>", re.DOTALL)
_ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')


@cache
def _drawing(path: Path) -> tuple[str, str]:
    """The kept attributes and the inside of one icon file (read once per process)."""
    found = _SVG.search(path.read_text())
    if found is None:
        raise ValueError(f"{path} is not an SVG file")
    attributes = dict(_ATTRIBUTE.findall(found[1]))
    kept = " ".join(f'{name}="{attributes[name]}"' for name in KEPT if name in attributes)
    inside = " ".join(line.strip() for line in found[2].splitlines() if line.strip())
    return kept, inside


def icon(name: str, label: str | None = None) -> Markup:
    """An inline icon: hidden from screen readers, or an image named ``label`` when it means
    something the text beside it does not say."""
    static = Path(current_app.static_folder or "static")
    kept, inside = _drawing(static / FOLDER / f"{name}.svg")
    named = 'aria-hidden="true"' if label is None else f'role="img" aria-label="{escape(label)}"'
    # The drawing is one of our vendored files (its package checked by hash), not user input.
    return Markup(  # noqa: S704
        f'<svg class="icon icon-{escape(name)}" {kept} {named} focusable="false">{inside}</svg>'
    )
