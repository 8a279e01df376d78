"""The forms a page shows, read with a real HTML parser, and valid answers drawn from them.

``forms_on`` lists every ``<form method="post">`` of a page with its fields as a browser
sees them: inputs with their type and attributes, select options, radio and checkbox groups.
``Form.fill`` answers one form the way a careful person would: the form's own choices for
selects, radios and checkboxes (option ``i`` of each group on the ``i``-th try, choices not yet
used first), and for typed fields a value that fits the field's type, name and limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from itertools import count

from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new sentence of mine"
KNOWN_EMAIL = "ada@example.org"  # the guardian who signs in
KNOWN_PIN = "4826"  # every child's PIN in the family the tests build
NEW_PIN = "5937"
NONE = "(none)"  # the choice of ticking nothing in a checkbox group
SECRET_FIELDS = {"password", "confirm", "current_password", "reauth_password", "pin"}
_serial = count(1)


@dataclass
class Field:
    """One named control: an input, a textarea, or a select with its options."""

    tag: str
    type: str
    name: str
    value: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    options: list[tuple[str, bool]] = field(default_factory=list)  # select: (value, disabled)
    selected: set[str] = field(default_factory=set)  # select: the options shown chosen

    @property
    def required(self) -> bool:
        return "required" in self.attrs


@dataclass
class Group:
    """A choice the person makes: one of a select's or radio group's options, or any of a
    checkbox group's or multiple select's (including, when allowed, none of them)."""

    name: str
    kind: str  # "one" or "many"
    options: list[str]
    selected: set[str] = field(default_factory=set)  # as the page shows it now

    def pick(self, attempt: int, covered: set[str]) -> list[str]:
        """The values to send on ``attempt``: choices not yet covered first (and of those,
        one the page does not show chosen already, so the submission changes something),
        then each in turn."""
        if self.kind == "one":
            fresh = sorted(
                (o for o in self.options if o not in covered), key=self.selected.__contains__
            )
            others = [o for o in self.options if o not in self.selected] or self.options
            return [fresh[0] if fresh else others[attempt % len(others)]]
        values = [o for o in self.options if o != NONE]
        if NONE not in self.options:
            return values
        plan = [[], values] if self.selected >= set(values) else [values, []]
        return next((c for c in plan if not set(c or [NONE]) <= covered), plan[0])


@dataclass
class Form:
    """A POST form of a page: where it goes, and its controls in page order."""

    action: str
    fields: list[Field]
    in_header: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted({f.name for f in self.fields if f.type != "submit"}))

    def signature(self) -> tuple[object, ...]:
        """What makes two forms the same form: the address, the fields and their choices."""
        return (
            self.action,
            tuple(
                (f.name, f.type, f.value if f.type == "hidden" and f.name != "csrf_token" else "")
                for f in self.fields
            ),
            tuple((g.name, tuple(g.options)) for g in self.groups()),
        )

    def groups(self) -> list[Group]:
        """Every choice on the form, with the options a valid answer may take."""
        found: dict[str, Group] = {}
        for f in self.fields:
            if f.tag == "select":
                options = [v for v, disabled in f.options if not disabled]
                if f.required:
                    options = [v for v in options if v != ""]
                chosen = {v for v, _disabled in f.options if v in f.selected}
                if "multiple" in f.attrs:
                    found[f.name] = Group(f.name, "many", [*options, NONE], chosen)
                else:
                    found[f.name] = Group(f.name, "one", options, chosen)
            elif f.type == "radio":
                group = found.setdefault(f.name, Group(f.name, "one", []))
                group.options.append(f.value)
                if "checked" in f.attrs:
                    group.selected.add(f.value)
            elif f.type == "checkbox":
                group = found.setdefault(f.name, Group(f.name, "many", [NONE]))
                group.options.insert(len(group.options) - 1, f.value or "on")
                if "checked" in f.attrs:
                    group.selected.add(f.value or "on")
                if f.required and NONE in group.options:
                    group.options.remove(NONE)
        return [g for g in found.values() if g.options]

    def attempts(self) -> int:
        """How many submissions cover every option of every group at least once."""
        return max([1, *(len(g.options) for g in self.groups())])

    def fill(self, attempt: int, covered: dict[str, set[str]], today: date) -> dict[str, list[str]]:
        """Valid values for every field; ``covered`` holds the options already sent."""
        data: dict[str, list[str]] = {}
        for group in self.groups():
            data[group.name] = group.pick(attempt, covered.setdefault(group.name, set()))
        grouped = set(data)
        typed = [f for f in self.fields if f.name not in grouped and f.type != "submit"]
        for f in typed:
            data[f.name] = [self._typed_value(f, data, today)]
        return data

    def _has(self, name: str) -> bool:
        return any(f.name == name for f in self.fields)

    def _typed_value(self, f: Field, data: dict[str, list[str]], today: date) -> str:
        kind, name = f.type, f.name
        if kind == "hidden":
            return f.value
        if name == "confirm":  # repeats the secret typed just before it
            return (data.get("pin") or data.get("password") or [PASSWORD])[0]
        if kind == "password" or name in SECRET_FIELDS:
            return self._secret(name)
        if kind == "time" or name.endswith("time"):  # a time of day, prefilled or not
            return "18:30" if f.value == "18:00" else "18:00"
        if f.value and kind in ("text", "textarea"):  # an edit: send new words, to see them
            return one_line(f)
        if f.value and kind != "email":  # what the page filled in is a valid answer already
            return f.value
        if kind == "email":
            if self._has("password") and not self._has("confirm"):
                return KNOWN_EMAIL  # signing in: an account that exists
            return f"someone{next(_serial)}@example.org"
        if kind == "date":
            return f.attrs.get("min") or (today + timedelta(days=1)).isoformat()
        if kind == "number":
            if not f.required and "min" not in f.attrs:
                return ""
            if name == "birth_year":
                return str(today.year - 12)
            return f.attrs.get("min", "1")
        return one_line(f)

    def _secret(self, name: str) -> str:
        if name == "pin":
            return NEW_PIN if self._has("confirm") else KNOWN_PIN
        if name == "password" and self._has("current_password"):
            return NEW_PASSWORD
        return PASSWORD


def one_line(f: Field) -> str:
    """A short unique sentence that fits the field, so it can be found where it was saved."""
    text = f"Every form {next(_serial)}"
    limit = int(f.attrs.get("maxlength") or 60)
    return text[-limit:]


class _Parser(HTMLParser):
    """Collects the POST forms of a page and their controls."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""
        self._option_selected = False
        self._textarea: Field | None = None
        self._header_depth = 0

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "header":
            self._header_depth += 1
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self._form = Form(attrs.get("action", ""), [], self._header_depth > 0)
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input" and "name" in attrs and "disabled" not in attrs:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "reset", "image"}:
                return
            self._form.fields.append(Field(tag, kind, attrs["name"], attrs.get("value", ""), attrs))
        elif tag == "textarea" and "name" in attrs:
            self._textarea = Field(tag, "textarea", attrs["name"], "", attrs)
            self._form.fields.append(self._textarea)
        elif tag == "select" and "name" in attrs:
            self._select = Field(tag, "select", attrs["name"], "", attrs)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = (attrs.get("value"), "disabled" in attrs)
            self._option_text = ""
            self._option_selected = "selected" in attrs

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "header":
            self._header_depth -= 1
        elif tag == "form":
            self._form = None
        elif tag == "textarea":
            if self._textarea is not None:
                # HTML drops one newline right after <textarea>
                self._textarea.value = re.sub(r"^\r?\n", "", self._textarea.value)
            self._textarea = None
        elif tag == "option" and self._select is not None and self._option is not None:
            value, disabled = self._option
            value = self._option_text if value is None else value
            self._select.options.append((value, disabled))
            if self._option_selected:
                self._select.selected.add(value)
            self._option = None
        elif tag == "select":
            self._select = None


def forms_on(html: str) -> list[Form]:
    """Every POST form of ``html``, in page order."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def find(forms: Iterable[Form], like: Form) -> Form | None:
    """The form among ``forms`` that is ``like`` one seen before (its choices may have moved
    on: a recorded date leaves the list)."""
    hidden = {
        (f.name, f.value) for f in like.fields if f.type == "hidden" and f.name != "csrf_token"
    }
    for form in forms:
        same_hidden = {
            (f.name, f.value) for f in form.fields if f.type == "hidden" and f.name != "csrf_token"
        }
        if form.action == like.action and form.names == like.names and same_hidden == hidden:
            return form
    return None
