"""Requests sent at the same moment from several threads, each with its own client (and so
its own database connection), as browsers hitting several workers would."""

from __future__ import annotations

import threading
from typing import Any

from tests.conftest import Client


def at_once(requests: list[tuple[Client, str, dict[str, Any]]]) -> list[int]:
    """POST every ``(client, url, data)`` together (with each client's CSRF token); the
    status codes, in no particular order."""
    prepared = [(c, url, {"csrf_token": c.csrf_token(), **data}) for c, url, data in requests]
    barrier = threading.Barrier(len(prepared))
    codes: list[int] = []
    lock = threading.Lock()

    def press(client: Client, url: str, data: dict[str, Any]) -> None:
        barrier.wait()
        code = client.post(url, data=data).status_code
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=press, args=request) for request in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes
