"""``pip install .`` gives a working app: the wheel carries the checkout's top level (config,
the WSGI entry, templates, static files, migrations, alembic.ini) inside the package as
``supervisor.root``, and ``supervisor/layout.py`` finds those files in a checkout and in an
installed wheel alike (README, "Installing from a wheel")."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import config
from supervisor import app as factory
from supervisor import db as database
from supervisor import layout
from supervisor.content.lessons import PICTURES, lessons_for
from supervisor.content.walkthroughs import walkthroughs_for
from tests.test_dependencies import locked
from tests.test_serving import base, free_port

ROOT = Path(__file__).resolve().parents[1]
# What a checkout holds that the wheel is not built from.
NOT_BUILT_FROM = (
    ".git", ".venv", "tests", "bench", "test-artifacts", "instance", "build", "dist",
    "*.egg-info", "__pycache__", ".*_cache", ".hypothesis",
)  # fmt: skip
ENTRY = "supervisor.root.wsgi"
# Run by the installed environment's Python, outside the checkout.
PROBE = """
import importlib.metadata, importlib.util, json, sys
from packaging.requirements import Requirement
import supervisor, supervisor.db, supervisor.layout
from supervisor.root import wsgi
import supervisor.content.lessons
from supervisor.content.lessons import lessons_for
from supervisor.content.walkthroughs import walkthroughs_for
needs = [Requirement(r) for r in importlib.metadata.requires("family-supervisor")]
print(json.dumps({
    "package": supervisor.__file__,
    "installed": supervisor.layout.INSTALLED,
    "root": str(supervisor.layout.ROOT),
    "pictures": str(supervisor.content.lessons.PICTURES),
    "templates": wsgi.app.jinja_loader.searchpath,
    "static": wsgi.app.static_folder,
    "top_level": [n for n in ("config", "wsgi") if importlib.util.find_spec(n)],
    "path": sys.path,
    "upgrade": supervisor.db.UPGRADE_COMMAND,
    "lessons": len(lessons_for("es")),
    "walkthroughs": len(walkthroughs_for("es")),
    "dependencies": {
        r.name: importlib.metadata.version(r.name)
        for r in needs if r.marker is None or r.marker.evaluate({"extra": ""})
    },
}))
"""


def run(*command: str | Path, **options: object) -> str:
    done = subprocess.run(  # noqa: S603 - fixed command lines
        [str(part) for part in command], capture_output=True, text=True, **options
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def get(url: str, language: str = "en") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Language": language})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - http://127.0.0.1
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_a_checkout_finds_its_files_at_its_top_level(app):
    assert layout.ROOT == database.ROOT == ROOT
    assert not layout.INSTALLED
    assert layout.root_module("config") == "config"
    assert factory.CONFIGS is config.CONFIGS
    assert app.jinja_loader.searchpath == [str(ROOT / "templates")]
    assert app.static_folder == str(ROOT / "static")
    assert PICTURES == ROOT / "static" / "lessons"
    settings = database.alembic_config()
    assert settings.config_file_name == str(ROOT / "alembic.ini")
    assert settings.get_main_option("script_location") == str(ROOT / "migrations")
    assert database.UPGRADE_COMMAND == "flask --app wsgi supervisor upgrade"


def test_an_installed_package_finds_the_top_level_it_carries(tmp_path):
    package = tmp_path / "site-packages" / "supervisor"
    (package / "root").mkdir(parents=True)
    (package.parent / "templates").mkdir()  # another project's, beside it in site-packages
    assert layout.find_root(package) == package.parent  # an empty root/ is no copy
    (package / "root" / "alembic.ini").write_text("[alembic]\n")
    assert layout.find_root(package) == package / "root"


def shipped_data() -> set[str]:
    """Every file the app reads that is not Python: the checkout's templates, static files,
    migrations and alembic.ini as the wheel names them, and the package's own data (content,
    catalogs), leaving out only the notes written for developers."""
    names = {"supervisor/root/alembic.ini"}
    for folder in ("templates", "static", "migrations"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                names.add(f"supervisor/root/{path.relative_to(ROOT)}")
    for path in (ROOT / "supervisor").rglob("*"):
        if path.is_file() and path.suffix not in {".py", ".pyc"} and path.name != "README.md":
            names.add(str(path.relative_to(ROOT)))
    return names


def test_the_installed_wheel_alone_serves_the_app(tmp_path):
    # The wheel, built as `pip install .` builds it, from a copy (no build/ left in the checkout).
    source, dist = tmp_path / "source", tmp_path / "dist"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_BUILT_FROM))
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
        "--no-deps", "--no-build-isolation", "--no-index", "--wheel-dir", dist, source)  # fmt: skip
    (wheel,) = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {name.split("/")[0] for name in names} == {
        "supervisor",
        "family_supervisor-0.1.0.dist-info",
    }  # no top-level `config` or `wsgi` to clash with another project's
    assert shipped_data() - names == set()
    assert {"supervisor/root/config.py", "supervisor/root/wsgi.py"} <= names

    # A fresh environment without the system's packages: the wheel alone, its dependencies
    # those of the environment running the tests (installed from the lock files).
    env_dir = tmp_path / "env"
    run(sys.executable, "-m", "venv", "--without-pip", env_dir)
    python = env_dir / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip())
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
        "--disable-pip-version-check", "--no-deps", "--no-index", wheel)  # fmt: skip
    (site / "locked-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    # Outside the checkout, with nothing but the production settings in the environment.
    work = tmp_path / "run"
    work.mkdir()
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "SUPERVISOR_ENV": "production",
        "SUPERVISOR_SECRET_KEY": "a-key-from-the-environment",
        "SUPERVISOR_DATABASE_URL": f"sqlite:///{tmp_path / 'installed.sqlite3'}",
        "SUPERVISOR_BASE_URL": base(port),
    }
    found = json.loads(run(python, "-c", PROBE, cwd=work, env=env))
    carried = site / "supervisor" / "root"
    assert Path(found["package"]) == site / "supervisor" / "__init__.py"
    assert found["installed"] is True
    assert found["root"] == str(carried)
    assert found["pictures"] == str(carried / "static" / "lessons")
    assert found["templates"] == [str(carried / "templates")]
    assert found["static"] == str(carried / "static")
    assert found["top_level"] == []
    assert [p for p in found["path"] if (Path(p or work) / "supervisor").is_dir()] == [str(site)]
    assert found["upgrade"] == f"flask --app {ENTRY} supervisor upgrade"
    assert found["lessons"] == len(lessons_for("es")) > 0
    assert found["walkthroughs"] == len(walkthroughs_for("es")) > 0
    app_lock = locked("app.txt")
    assert {name: app_lock[name.lower()][0] for name in found["dependencies"]} == found[
        "dependencies"
    ]  # every dependency the wheel names, at the version requirements/app.txt pins

    # Migrated through the installed package's command, then served by gunicorn with the
    # settings file the wheel carries.
    run(python, "-m", "flask", "--app", ENTRY, "supervisor", "upgrade", cwd=work, env=env)
    command = [python, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
               "--config", carried / "gunicorn.conf.py", f"{ENTRY}:app"]  # fmt: skip
    process = subprocess.Popen(  # noqa: S603 - a fixed command line
        [str(part) for part in command],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(150):
            try:
                status, _type, body = get(base(port) + "/health")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not start")
        assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok"})

        status, _type, page = get(base(port) + "/login", language="es")
        assert status == 200
        assert "Inicio de sesión para adultos responsables" in page.decode()  # the catalogs
        (stylesheet,) = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.decode())
        status, kind, css = get(base(port) + stylesheet)
        assert (status, kind.split(";")[0]) == (200, "text/css")
        assert css == (ROOT / "static" / "style.css").read_bytes()
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert '"GET /health HTTP/1.1" 200' in output  # the access log, through the app's logging
