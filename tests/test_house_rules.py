"""House rules that hold the code's shape, checked on its syntax tree.

- The request is the transaction: only ``supervisor/db.py`` (which ends each request's) and
  the CLI commands (which are not requests) may commit or roll back.
- A blueprint is named after its module, and each one is in import-linter's independence
  contract (so no blueprint imports another).
- Every write is a named operation: a view module (one that makes a ``Blueprint``) parses,
  checks access, calls an operation and answers; it never adds, deletes, inserts, updates or
  sets a model's attribute itself.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from supervisor.app import BLUEPRINTS, DEV_BLUEPRINTS
from supervisor.db import Model

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "supervisor"
ENDS_TRANSACTIONS = {PACKAGE / "db.py", PACKAGE / "cli.py"}
WRITES = {"add", "add_all", "delete", "merge"}
STATEMENTS = {"insert", "update", "delete"}
# Every column and relationship name of every model: setting one on a model is a write.
MODEL_ATTRIBUTES = {
    attribute.key for mapper in Model.registry.mappers for attribute in mapper.attrs
}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def view_modules() -> list[Path]:
    return [path for path in modules() if _calls(ast.parse(path.read_text()), "Blueprint")]


def _calls(tree: ast.AST, name: str) -> bool:
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
        for node in ast.walk(tree)
    )


def _is_db_session(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "session"
        and isinstance(node.value, ast.Name)
        and node.value.id == "db"
    )


def _name_of(node: ast.expr) -> str | None:
    """``insert`` for ``insert(...)``, ``sa.insert(...)`` and ``sa.insert(...).values(...)``."""
    while (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Call)
    ):
        node = node.func.value
    if isinstance(node, ast.Call):
        func = node.func
        return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return None


def transaction_ends(tree: ast.AST) -> list[int]:
    """Lines that call ``.commit()`` or ``.rollback()`` on anything."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"commit", "rollback"}
    ]


def _forms(function: ast.AST) -> set[str]:
    """Names a function binds to a form (``form = StepForm(...)``): their fields are no model's."""
    return {
        target.id
        for node in ast.walk(function)
        if isinstance(node, ast.Assign) and (_name_of(node.value) or "").endswith("Form")
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _targets(node: ast.stmt) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        found = list(node.targets)
    elif isinstance(node, ast.AugAssign | ast.AnnAssign):
        found = [node.target]
    else:
        return []
    flat: list[ast.expr] = []
    while found:
        target = found.pop()
        if isinstance(target, ast.Tuple | ast.List):
            found.extend(target.elts)
        else:
            flat.append(target)
    return flat


def view_writes(tree: ast.AST) -> list[str]:
    """Writes a view module makes itself, each as ``line: what``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method, receiver = node.func.attr, node.func.value
            if _is_db_session(receiver) and method in WRITES:
                found.append(f"{node.lineno}: db.session.{method}")
            if (
                _is_db_session(receiver)
                and method == "execute"
                and node.args
                and _name_of(node.args[0]) in STATEMENTS
            ):
                found.append(f"{node.lineno}: db.session.execute({_name_of(node.args[0])})")
        if isinstance(node, ast.Call) and _name_of(node) == "setattr":
            found.append(f"{node.lineno}: setattr")
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        forms = _forms(function)
        for node in ast.walk(function):
            for target in _targets(node) if isinstance(node, ast.stmt) else []:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id not in forms
                    and target.attr in MODEL_ATTRIBUTES
                ):
                    found.append(f"{node.lineno}: {target.value.id}.{target.attr} = ...")
    return sorted(set(found), key=lambda line: (int(line.split(":")[0]), line))


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", modules(), ids=relative)
def test_only_the_request_and_the_cli_end_transactions(path):
    if path in ENDS_TRANSACTIONS:
        return
    assert transaction_ends(ast.parse(path.read_text())) == [], relative(path)


@pytest.mark.parametrize("path", view_modules(), ids=relative)
def test_views_write_only_through_operations(path):
    assert view_writes(ast.parse(path.read_text())) == [], relative(path)


def test_the_rules_find_what_they_forbid():
    """Each rule fails on the code it forbids (as it stood before the rules), and passes
    what views rightly do with forms."""
    view = ast.parse(
        """
bp = Blueprint("x", __name__)

def refresher(track_id):
    track = family_row_or_404(Track, track_id)
    track.refresher = True
    child.birth_year, child.birth_month = 2010, 5
    db.session.add(LearningMoment())
    db.session.delete(track)
    db.session.execute(sa.update(Notification).where(Notification.id == 1).values(read_at=None))
    db.session.commit()

def fine(track_id):
    form = CheckInForm()
    form.due_on, form.today = None, None
    form.due_on.errors = ["taken"]
    db.session.execute(sa.select(Track))
"""
    )
    assert view_writes(view) == [
        "6: track.refresher = ...",
        "7: child.birth_month = ...",
        "7: child.birth_year = ...",
        "8: db.session.add",
        "9: db.session.delete",
        "10: db.session.execute(update)",
    ]
    assert transaction_ends(view) == [11]
    assert view_modules()  # the views are found at all


def test_every_blueprint_is_in_the_independence_contract():
    """import-linter keeps blueprints from importing each other, but only those it is told
    of: a new blueprint module must join the list in pyproject.toml."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    independent = next(c for c in contracts["contracts"] if c["type"] == "independence")
    registered = {module.__name__ for module in (*BLUEPRINTS, *DEV_BLUEPRINTS)}
    assert registered == set(independent["modules"])
    assert {relative(path) for path in view_modules()} == {
        name.replace(".", "/") + ".py" for name in registered
    }


@pytest.mark.parametrize(
    "module", (*BLUEPRINTS, *DEV_BLUEPRINTS), ids=lambda module: module.__name__
)
def test_a_blueprint_is_named_after_its_module(module):
    assert module.bp.name == module.__name__.rsplit(".", 1)[-1]
