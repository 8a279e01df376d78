"""Serving the app with gunicorn, configured as in production, for the length of a bench run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_environment(url: str, secret_key: str, base: str) -> dict[str, str]:
    """Production settings; nothing else from the caller's ``SUPERVISOR_*`` variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPERVISOR_")}
    env.update(
        SUPERVISOR_ENV="production",
        SUPERVISOR_SECRET_KEY=secret_key,
        SUPERVISOR_DATABASE_URL=url,
        SUPERVISOR_BASE_URL=base,
    )
    return env


@dataclass(frozen=True)
class Server:
    base: str  # http://127.0.0.1:PORT
    pid: int  # gunicorn's master; the workers are its children


@contextmanager
def gunicorn(
    url: str, secret_key: str, log: Path, workers: int = 2, settings: dict[str, str] | None = None
) -> Iterator[Server]:
    """``gunicorn -w 2 wsgi:app`` on a free local port, stopped again afterwards; ``settings``
    are more ``SUPERVISOR_*`` variables."""
    base = f"http://127.0.0.1:{free_port()}"
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", base[7:], "wsgi:app"]
    env = {**server_environment(url, secret_key, base), **(settings or {})}
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=env, stdout=output, stderr=output
        )
        try:
            _wait_until_healthy(base, server)
            yield Server(base, server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_until_healthy(base: str, server: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}; see its log")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=5) as answer:  # noqa: S310 - http://127.0.0.1 only
                if answer.status == 200:
                    return
        except OSError:  # refused, reset, or timed out while the workers start
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /health within {timeout:.0f} s")
