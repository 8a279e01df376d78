"""No picture the app shows is an emoji (without an emoji font it is an empty box): the
templates, the content and every page of the route table use the SVG files vendored in
static/icons/, and those files are exactly the ones scripts/vendor_icons.py lists."""

# ruff: noqa: F811 - the tests take the world fixtures imported from tests/world.py

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from flask import render_template_string

from supervisor.web.forms.family import AVATARS
from tests.conftest import text
from tests.world import (  # noqa: F401 - fixtures
    ACTORS,
    ANON,
    CHILD,
    OWNER,
    ROUTES,
    build_world,
    frozen_world_time,
    saved_world,
)

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
ICONS = STATIC / "icons"
# Emoji and the symbol blocks emoji fonts draw (dingbats, marks, shapes, the emoji selector).
EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2300-\u23ff\u25a0-\u25ff\u2600-\u27bf\u2b00-\u2bff\ufe0f]"
)
# A walkthrough step quotes the platform's own menu buttons as its help pages show them; there
# they are text (DejaVu Sans, Debian's default font, draws both), not icons of ours.
PLATFORM_GLYPHS = {"☰", "⚙"}
WALKTHROUGHS = ROOT / "supervisor" / "content" / "walkthroughs"
# Their translations quote the same buttons.
WALKTHROUGH_FOLDERS = {WALKTHROUGHS, ROOT / "supervisor" / "content" / "es" / "walkthroughs"}


def _script():
    path = ROOT / "scripts" / "vendor_icons.py"
    spec = importlib.util.spec_from_file_location("vendor_icons", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def _scanned_files() -> list[Path]:
    files = [p for p in (ROOT / "templates").rglob("*") if p.is_file()]
    files += [
        p for p in (ROOT / "supervisor" / "content").rglob("*") if p.suffix in {".toml", ".md"}
    ]
    files += [ROOT / "README.md", ICONS / "README.md", *STATIC.glob("*.css"), *STATIC.glob("*.js")]
    return files


def _emoji(page: str) -> set[str]:
    return set(EMOJI.findall(page))


def test_no_template_or_content_file_uses_an_emoji():
    found = []
    for path in _scanned_files():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            marks = _emoji(line)
            if path.parent in WALKTHROUGH_FOLDERS and line.startswith("where = "):
                marks -= PLATFORM_GLYPHS
            if marks:
                found.append(f"{path.relative_to(ROOT)}:{number}: {''.join(sorted(marks))}")
    assert found == []
    assert len(_scanned_files()) > 100  # the walk saw the templates and the content


@pytest.mark.parametrize("actor", [ANON, OWNER, CHILD])
def test_no_page_of_the_route_table_shows_an_emoji(app, saved_world, frozen_world_time, actor):
    world = build_world(app, actor, saved_world)
    seen = 0
    for endpoint, methods in ROUTES.items():
        if methods.get("GET", ())[ACTORS.index(actor) : ACTORS.index(actor) + 1] != (200,):
            continue
        response = world.client.get(world.url(app, endpoint))
        assert response.status_code == 200, endpoint
        page = text(response)
        assert _emoji(page) - PLATFORM_GLYPHS == set(), endpoint
        referenced = set(re.findall(r"/static/(icons/[\w/-]+\.svg)", page))
        referenced |= {
            f"icons/tabler/{n}.svg" for n in re.findall(r'class="icon icon-([\w-]+)"', page)
        }
        assert all((STATIC / path).is_file() for path in referenced), (endpoint, referenced)
        seen += 1
    assert seen >= {ANON: 5, OWNER: 25, CHILD: 10}[actor]


def test_the_pictures_are_on_the_pages_people_use(app, saved_world, frozen_world_time):
    world = build_world(app, CHILD, saved_world)
    picker = text(world.client.get(world.url(app, "tablet.picker")))
    tile = (
        '<span class="avatar colour-sky large">'
        '<img class="avatar-picture" src="/static/icons/fluent/fox.svg"'
    )
    assert picker.count(tile) == 2  # Mo and Zoe
    assert '<svg class="icon icon-key"' in picker  # each guardian's tile
    home = text(world.client.get(world.url(app, "child.home")))
    assert (
        '/static/icons/fluent/logo.svg" alt=""' in home and "/static/icons/fluent/fox.svg" in home
    )


def test_the_avatar_choices_show_each_picture_with_its_name(auth, client):
    auth.signup()
    form = text(client.get("/family/children/new"))
    for key, name in AVATARS.items():
        assert re.search(
            rf'value="{key}">\s*<img class="avatar-picture" src="/static/icons/fluent/{key}.svg"'
            rf' alt="" width="32" height="32"><span>{name}</span>',
            form,
        ), key


def test_icon_is_hidden_unless_it_has_a_label(app):
    with app.test_request_context():
        hidden = render_template_string('{{ icon("check") }}')
        named = render_template_string('{{ icon("key", "Guardian <b>") }}')
        with pytest.raises(FileNotFoundError):
            render_template_string('{{ icon("no-such-icon") }}')
    assert hidden.startswith('<svg class="icon icon-check" viewBox="0 0 24 24"')
    assert 'stroke="currentColor"' in hidden and 'aria-hidden="true" focusable="false"' in hidden
    assert " width=" not in hidden and "role=" not in hidden  # sized by the stylesheet
    assert 'role="img" aria-label="Guardian &lt;b&gt;"' in named and "aria-hidden" not in named


def _referenced_in_templates() -> set[str]:
    names = set()
    for path in (ROOT / "templates").rglob("*.html"):
        for call in re.findall(r"\bicon\(([^)]*)\)", path.read_text()):
            names |= {f"tabler/{n}.svg" for n in re.findall(r'"([\w-]+)"', call.split(",")[0])}
        names |= {
            f"fluent/{n}.svg" for n in re.findall(r"icons/fluent/([\w-]+)\.svg", path.read_text())
        }
    css = (STATIC / "style.css").read_text()
    return names | set(re.findall(r'url\("icons/([\w/-]+\.svg)"\)', css))


def test_every_icon_and_avatar_used_is_vendored_and_nothing_else():
    script = _script()
    vendored = {str(p.relative_to(ICONS)) for p in ICONS.glob("*/*")}
    assert vendored == script.expected_files()
    used = _referenced_in_templates() | {f"fluent/{key}.svg" for key in AVATARS}
    assert used == {name for name in vendored if name.endswith(".svg")}
    assert list(AVATARS) == [key for key in script.PICTURES if key != "logo"]


def test_the_vendored_files_are_what_the_pages_need():
    for path in (ICONS / "tabler").glob("*.svg"):
        assert 'stroke="currentColor"' in path.read_text(), path.name  # takes the text's colour
    for path in (ICONS / "fluent").glob("*.svg"):
        assert "id=" not in path.read_text(), path.name  # safe to show several on one page
    for folder in ("tabler", "fluent"):
        assert "MIT License" in (ICONS / folder / "LICENSE").read_text()
