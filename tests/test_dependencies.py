"""Reproducible installs (security target 21): every dependency is pinned with hashes in the
lock files, the lock files match pyproject.toml, and every install path requires the hashes.

No vulnerability scan runs here: the scanners' databases cannot be reached from this build.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s\\]+)")


def locked(name: str) -> dict[str, tuple[str, list[str]]]:
    """Package -> (version, hashes) as the lock file pins them."""
    pins: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match.group(1).split("[")[0])
            pins[current] = (match.group(2), [])
        elif current and (found := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            pins[current][1].append(found.group(1))
    return pins


def declared(extra: str | None = None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return {canonicalize_name(Requirement(r).name) for r in wanted}


@pytest.mark.parametrize("lock_file", ["app.txt", "dev.txt"])
def test_every_locked_package_is_pinned_with_hashes(lock_file):
    pins = locked(lock_file)
    assert len(pins) > 10
    assert [name for name, (_, hashes) in pins.items() if not hashes] == []


def test_lock_files_cover_pyproject_and_agree():
    app, dev = locked("app.txt"), locked("dev.txt")
    assert declared() <= set(app)
    assert declared() | declared("dev") <= set(dev)
    assert {name: app[name][0] for name in app} == {name: dev[name][0] for name in app}


def test_every_install_requires_the_hashes():
    installs = {
        "Makefile": "--require-hashes -r requirements/dev.txt",
        "README.md": "--require-hashes -r requirements/app.txt",
    }
    for file, command in installs.items():
        text = (ROOT / file).read_text()
        assert command in text, file
        assert [line for line in text.splitlines() if "pip install" in line and "-r " in line
                and "--require-hashes" not in line] == [], file  # fmt: skip
    assert "make test" in (ROOT / ".ci" / "run").read_text()
