"""Where the project's files are: templates/, static/, migrations/, alembic.ini, config.py and
wsgi.py. A checkout has them at its top level, beside the package; the wheel carries that top
level inside the package as ``supervisor/root/`` (pyproject.toml, README "Installing from a
wheel"). This is the one place that tells the two apart."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def find_root(package: Path) -> Path:
    """The copy of the top level that ``package`` carries, if it has one, else the folder the
    package is in (a checkout's top level)."""
    carried = package / "root"
    return carried if (carried / "alembic.ini").is_file() else package.parent


ROOT = find_root(PACKAGE)
INSTALLED = ROOT.parent == PACKAGE  # from the wheel: ROOT is the copy inside the package


def root_module(name: str) -> str:
    """How one of ROOT's modules (``config``, ``wsgi``) is imported: at the top level in a
    checkout, as ``supervisor.root.<name>`` once installed (no top-level names to clash)."""
    return f"{__package__}.root.{name}" if INSTALLED else name
