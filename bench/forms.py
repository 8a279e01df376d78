"""Reading a page's forms the way a browser fills them in: hidden values, choices, text fields.

The write paths post what the page offers (its CSRF token, the stage it showed, the dates it
lists), never values made up by the bench, so a change to a form shows up as a failed write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    """One ``<form method="post">``: what it would send, and what it lets one choose."""

    action: str
    values: dict[str, str] = field(default_factory=dict)  # hidden and text inputs as shown
    choices: dict[str, list[str]] = field(default_factory=dict)  # select, radio, checkbox
    texts: set[str] = field(default_factory=set)  # textareas and password fields


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.open: Form | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.open = Form(a.get("action", ""))
            self.forms.append(self.open)
        if self.open is None or not (name := a.get("name", "") or self.select or ""):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                self.open.choices.setdefault(name, []).append(a.get("value", "on"))
            elif kind == "password":
                self.open.texts.add(name)
            elif kind not in ("submit", "button"):
                self.open.values[name] = a.get("value", "")
        elif tag == "textarea":
            self.open.texts.add(name)
        elif tag == "select":
            self.select = name
            self.open.choices.setdefault(name, [])
        elif tag == "option" and self.select:
            self.open.choices[self.select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.open = None
        elif tag == "select":
            self.select = None


def post_forms(html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_with(html: str, action_end: str = "", field_name: str = "") -> Form | None:
    """The first post form whose action ends with ``action_end`` and that has ``field_name``."""
    for form in post_forms(html):
        has = not field_name or field_name in {*form.values, *form.choices, *form.texts}
        if form.action.endswith(action_end) and has:
            return form
    return None
