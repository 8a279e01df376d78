"""Copy the few icons and avatars the app shows into static/icons/, from pinned npm releases.

Pages must not depend on an emoji font (a tablet or a Debian machine may have none) nor on
another site, so the pictures are SVG files served by the app. This script is how they got
there: it downloads each pinned tarball from the npm registry, refuses it unless its sha512
is the one pinned here and the one the registry states, and writes only the names listed
below with the package's licence. Run it after changing a list or a version, then commit
static/icons/:

    python scripts/vendor_icons.py
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
TARGET = Path(__file__).resolve().parent.parent / "static" / "icons"


@dataclass(frozen=True)
class Package:
    """One npm release: its name, version, and the integrity the registry published for it."""

    name: str
    version: str
    integrity: str
    folder: str  # where its files go under static/icons/


TABLER = Package(
    "@tabler/icons",
    "3.52.0",
    "sha512-dldKlJNfO/gZnGLcIY0X2EFFKIMGwL/rEvTqglvBgAPFiwj9pZOCN5V3Sf0Gyjq6foX4VQmLdOmsS4w5FdWKAw==",
    "tabler",
)
FLUENT = Package(
    "@iconify-json/fluent-emoji-flat",
    "1.2.6",
    "sha512-RY47RgPb47fYUiyrA64sIOL0+UU02s29sXpNBbIQRBUlPlfNFTKUmZDERGuxDs/7yNGWqQYvuaSYM1M4fRXlUw==",
    "fluent",
)

# Interface icons (Tabler's outline set: strokes in currentColor, so they take the text's colour).
ICONS = ["check", "chevron-right", "circle", "eye", "key", "square", "square-check"]

# Pictures in colour (Fluent Emoji Flat): our file name -> the set's name. The avatar keys
# are what the child table stores; "logo" is the traffic light beside the app's name.
PICTURES = {
    "logo": "vertical-traffic-light",
    "fox": "fox",
    "panda": "panda",
    "octopus": "octopus",
    "owl": "owl",
    "turtle": "turtle",
    "unicorn": "unicorn",
    "bee": "honeybee",
    "dolphin": "dolphin",
    "rocket": "rocket",
    "football": "soccer-ball",
    "guitar": "guitar",
    "sunflower": "sunflower",
}

# The Iconify package ships the artwork of microsoft/fluentui-emoji, whose licence is MIT
# (the package's info.json says so and links it) but carries no licence file of its own.
FLUENT_LICENSE = """\
MIT License

Copyright (c) Microsoft Corporation.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def expected_files() -> set[str]:
    """Every file this script writes, relative to static/icons/ (the tests compare)."""
    return (
        {f"{TABLER.folder}/{name}.svg" for name in ICONS}
        | {f"{FLUENT.folder}/{name}.svg" for name in PICTURES}
        | {f"{TABLER.folder}/LICENSE", f"{FLUENT.folder}/LICENSE"}
    )


def _get(url: str) -> bytes:
    if not url.startswith(REGISTRY + "/"):
        raise SystemExit(f"not the npm registry: {url}")
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - checked above
        body: bytes = response.read()
    return body


def fetch(package: Package) -> tarfile.TarFile:
    """The release's tarball, once its sha512 matches the pin and the registry's record."""
    meta = json.loads(_get(f"{REGISTRY}/{package.name}/{package.version}"))
    dist = meta["dist"]
    if dist["integrity"] != package.integrity:
        raise SystemExit(f"{package.name}@{package.version}: the registry states another hash")
    tarball = _get(dist["tarball"])
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    if digest != package.integrity:
        raise SystemExit(f"{package.name}@{package.version}: the tarball does not match its hash")
    return tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz")


def _read(archive: tarfile.TarFile, member: str) -> bytes:
    file = archive.extractfile(member)
    if file is None:
        raise SystemExit(f"{member} is not a file")
    return file.read()


def fluent_svg(icons: dict[str, object], name: str) -> str:
    """An Iconify entry written out as a standalone SVG file."""
    entry = icons["icons"][name]  # type: ignore[index]
    width = entry.get("width", icons["width"])  # type: ignore[call-overload]
    height = entry.get("height", icons["height"])  # type: ignore[call-overload]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">'
        f"{entry['body']}</svg>\n"
    )


def main() -> None:
    if TARGET.exists():
        for folder in (TABLER.folder, FLUENT.folder):
            shutil.rmtree(TARGET / folder, ignore_errors=True)
    tabler_dir = TARGET / TABLER.folder
    fluent_dir = TARGET / FLUENT.folder
    tabler_dir.mkdir(parents=True)
    fluent_dir.mkdir(parents=True)

    with fetch(TABLER) as archive:
        (tabler_dir / "LICENSE").write_bytes(_read(archive, "package/LICENSE"))
        for name in ICONS:
            svg = _read(archive, f"package/icons/outline/{name}.svg")
            (tabler_dir / f"{name}.svg").write_bytes(svg)

    with fetch(FLUENT) as archive:
        icons = json.loads(_read(archive, "package/icons.json"))
        (fluent_dir / "LICENSE").write_text(FLUENT_LICENSE)
        for ours, theirs in PICTURES.items():
            (fluent_dir / f"{ours}.svg").write_text(fluent_svg(icons, theirs))

    written = {str(p.relative_to(TARGET)) for p in TARGET.glob("*/*")}
    assert written == expected_files(), written ^ expected_files()
    print(f"{len(written)} files in {TARGET}")


if __name__ == "__main__":
    main()
