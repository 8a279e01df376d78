"""Every lesson has a picture: shipped, self-contained, in one style, described, and shown."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from supervisor.content import ContentError
from supervisor.content.lessons import LESSONS, PICTURES, STATIC, load_lesson
from tests.conftest import add_child

SVG = "{http://www.w3.org/2000/svg}"
LESSON_FILES = Path(__file__).resolve().parent.parent / "supervisor" / "content" / "lessons"
# What a drawing may be made of: shapes and groups only (no text, fonts, scripts, styles,
# embedded images or references to other files).
SHAPES = {"svg", "g", "rect", "circle", "ellipse", "path", "line", "polyline", "polygon"}
MOST_BYTES = 6 * 1024
PIN = "4826"


def drawing(key: str) -> ET.Element:
    return ET.parse(STATIC / LESSONS[key].picture).getroot()  # noqa: S314 - our own files


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_picture_is_a_small_self_contained_drawing(key):
    path = STATIC / LESSONS[key].picture
    assert path.parent == PICTURES and path.name == f"{key}.svg"
    assert path.stat().st_size <= MOST_BYTES
    root = drawing(key)
    assert root.tag == f"{SVG}svg"
    assert (root.get("viewBox"), root.get("width"), root.get("height")) == (
        "0 0 320 200",
        "320",
        "200",
    )
    for element in root.iter():
        assert element.tag.startswith(SVG) and element.tag.removeprefix(SVG) in SHAPES, element.tag
        for name, value in element.attrib.items():
            assert "href" not in name and "font" not in name and not name.startswith("on"), name
            assert "url(" not in value and "http" not in value, value
    source = path.read_text(encoding="utf-8")
    assert "<script" not in source and "<text" not in source and "<!ENTITY" not in source


def test_the_pictures_share_one_style_and_the_stylesheet_s_colours():
    """One look across all lessons: the same frame and ground, the same outline, and only
    colours the stylesheet already uses."""
    stylesheet = (STATIC / "style.css").read_text(encoding="utf-8").lower()
    palette = set(re.findall(r"#[0-9a-f]{6}\b", stylesheet))
    for key in LESSONS:
        root = drawing(key)
        frame, ground, outline = list(root)[:3]
        assert frame.tag == f"{SVG}rect" and frame.get("rx") == "16", key
        assert (frame.get("width"), frame.get("height")) == ("320", "200"), key
        assert ground.tag == f"{SVG}ellipse", key
        assert outline.tag == f"{SVG}g" and len(root) == 3, key
        assert outline.get("stroke-width") == "4" and outline.get("stroke-linejoin") == "round"
        colours = {
            value.lower()
            for element in root.iter()
            for name, value in element.attrib.items()
            if name in ("fill", "stroke") and value != "none"
        }
        assert colours <= palette, (key, colours - palette)
    assert len({(STATIC / lesson.picture).read_bytes() for lesson in LESSONS.values()}) == len(
        LESSONS
    )


def test_every_picture_is_described_in_its_own_words():
    """The picture carries the lesson's idea (a hook on a message), so a reader who cannot
    see it hears that idea too: one short sentence each, none the same."""
    alts = [lesson.picture_alt for lesson in LESSONS.values()]
    assert len(set(alts)) == len(alts)
    for alt in alts:
        assert alt.endswith(".") and len(alt) <= 120, alt
        assert not re.match(r"(a |an )?(picture|image|drawing) of", alt, re.IGNORECASE), alt


def copy_lesson(tmp_path: Path, *, picture: bool, alt: bool = True) -> Path:
    source = (LESSON_FILES / "01-anything-posted.toml").read_text(encoding="utf-8")
    if not alt:
        source = re.sub(r"\npicture_alt = .*\n", "\n", source)
    (tmp_path / "pictures").mkdir()
    if picture:
        (tmp_path / "pictures" / "01-copy.svg").write_bytes(
            (PICTURES / "01-anything-posted.svg").read_bytes()
        )
    path = tmp_path / "01-copy.toml"
    path.write_text(source, encoding="utf-8")
    return path


def test_a_lesson_with_its_picture_and_description_loads(tmp_path):
    lesson = load_lesson(copy_lesson(tmp_path, picture=True), tmp_path / "pictures")
    assert lesson.picture == "pictures/01-copy.svg"
    assert lesson.picture_alt == LESSONS["01-anything-posted"].picture_alt


def test_a_lesson_without_its_picture_is_refused(tmp_path):
    with pytest.raises(
        ContentError, match=re.escape("01-copy.toml: its picture pictures/01-copy.svg is missing")
    ):
        load_lesson(copy_lesson(tmp_path, picture=False), tmp_path / "pictures")


def test_a_lesson_without_a_picture_description_is_refused(tmp_path):
    with pytest.raises(
        ContentError, match=re.escape("01-copy.toml: field 'picture_alt' is missing")
    ):
        load_lesson(copy_lesson(tmp_path, picture=True, alt=False), tmp_path / "pictures")


@pytest.fixture
def tablet(auth, client):
    """A guardian, a child with a PIN, and this client as the tablet with the child unlocked."""
    auth.signup()
    child_id = add_child(client, "Mo", PIN, birth_year=2015)
    client.submit("/family/devices/", data={"name": "Tablet"})
    assert client.submit(f"/who/child/{child_id}", data={"pin": PIN}).status_code == 302
    return client


def images(page: str) -> list[dict[str, str]]:
    """The attributes of each image on the page, as the browser reads them."""
    return [
        {name: html.unescape(value) for name, value in re.findall(r'(\w+)="([^"]*)"', tag)}
        for tag in re.findall(r"<img\b[^>]*>", page)
    ]


def test_the_lesson_opens_with_its_picture_described(tablet):
    for lesson in LESSONS.values():
        first = tablet.get(f"/me/lessons/{lesson.key}/0").get_data(as_text=True)
        (picture,) = [image for image in images(first) if "lesson-picture" in image["class"]]
        assert picture["src"] == f"/static/lessons/{lesson.key}.svg"
        assert picture["alt"] == lesson.picture_alt
        assert (picture["width"], picture["height"]) == ("320", "200")
    lesson = LESSONS["01-anything-posted"]
    tablet.submit(f"/me/lessons/{lesson.key}/0")
    later = tablet.get(f"/me/lessons/{lesson.key}/1").get_data(as_text=True)
    assert lesson.steps[1].title in later and "lesson-picture" not in later


def test_the_lesson_list_shows_each_picture_small_beside_its_title(tablet):
    shown = images(tablet.get("/me/lessons/").get_data(as_text=True))
    thumbs = [image for image in shown if image.get("class") == "lesson-thumb"]
    assert [image["src"] for image in thumbs] == [
        f"/static/{lesson.picture}" for lesson in LESSONS.values()
    ]
    # Inside the link named by the lesson's title, so the thumbnail adds no words of its own.
    assert all(image["alt"] == "" and image["width"] == "96" for image in thumbs)


def test_a_picture_is_served_as_an_image_the_page_may_show(client):
    with client.get(f"/static/{LESSONS['10-scams'].picture}") as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    page = client.get("/")
    assert "img-src 'self'" in page.headers["Content-Security-Policy"]
