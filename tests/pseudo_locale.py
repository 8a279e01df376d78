"""A pseudo-language for tests: every message the app marks for translation, wrapped as
``⟦…⟧``, so a page rendered in it shows at a glance (and to ``unwrapped_text``) which of its
words were never marked.

The catalog is built from what ``make translations`` extracts, with the same options, so a
message counts as wrapped only if the extractor really sees it. CLDR's own pseudo-locale ids
(``en_XA``) are unknown to Babel, so the catalog is served as Esperanto (``eo``): a locale
Babel knows, with dates and numbers of its own (so they show that they follow the page's
language too), and one the app has no plan to offer.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PSEUDO = "eo"
OPEN, CLOSE = "⟦", "⟧"
ROOT = Path(__file__).resolve().parents[1]
# What a person reads besides text nodes; and what a script of the page says, which it takes
# from the page's ``data-text-*`` attributes.
READ_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
SCRIPT_TEXT = "data-text-"
# A piece that is only digits, punctuation, symbols or spaces has nothing to translate; the
# punctuation at either end of a piece is not part of its words.
WORDLESS = re.compile(r"[\W\d_]*")
EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def wrap(message: str) -> str:
    """``⟦Hi %(name)s!⟧``: the placeholders stay as they are, so formatting still works."""
    return f"{OPEN}{message}{CLOSE}"


def build_catalog(folder: Path) -> Path:
    """Extract ``messages.pot`` into ``folder`` and compile the pseudo catalog beside it, laid
    out as ``BABEL_TRANSLATION_DIRECTORIES`` expects; returns ``folder``."""
    template = folder / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "N_",
            "-k",
            "Nn_:1,2",
            "--no-location",
            "--sort-output",
            "-o",
            str(template),
            str(ROOT),
        ]
    )
    with template.open("rb") as pot:
        catalog = read_po(pot, locale=PSEUDO)
    for message in catalog:
        if not message.id:
            continue  # the header
        if isinstance(message.id, tuple):
            message.string = tuple(wrap(message.id[min(n, 1)]) for n in range(catalog.num_plurals))
        else:
            message.string = wrap(message.id)
    compiled = folder / PSEUDO / "LC_MESSAGES" / "messages.mo"
    compiled.parent.mkdir(parents=True)
    with compiled.open("wb") as mo:
        write_mo(mo, catalog)
    return folder


class _Reader(HTMLParser):
    """Text as a person reads it, with how deep in ``⟦…⟧`` each character stands; a wrapped
    message may hold markup (``{% trans %}Read <a>the agreement</a>.{% endtrans %}``), so
    the depth carries across elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0  # inside <script>, <style> or <template>
        self.depth = 0
        self.unwrapped: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "template"}:
            self.hidden += 1
        for name, value in attrs:
            if (name in READ_ATTRIBUTES or name.startswith(SCRIPT_TEXT)) and value:
                self._pieces(value, depth=0)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"}:
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.depth = self._pieces(data, self.depth)

    def _pieces(self, data: str, depth: int) -> int:
        """Note the parts of ``data`` outside every ``⟦…⟧``; returns the depth at its end."""
        piece = ""
        for char in data:
            if char == OPEN:
                if depth == 0:
                    self._note(piece)
                piece, depth = "", depth + 1
            elif char == CLOSE:
                depth = max(0, depth - 1)
            elif depth == 0:
                piece += char
        if depth == 0:
            self._note(piece)
        return depth

    def _note(self, piece: str) -> None:
        text = EDGES.sub("", " ".join(piece.split()))
        if not WORDLESS.fullmatch(text):
            self.unwrapped.append(text)


def unwrapped_text(html: str) -> list[str]:
    """The visible text of ``html`` (and its ``alt``, ``title``, ``placeholder`` and
    ``aria-label``) that no ``⟦…⟧`` holds, leaving out what has no letters in it."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.unwrapped
