"""One side of ``bench.compare``: run from a checkout, serve requests from stdin one by one.

Started with the checkout as its working directory, it imports that checkout's ``supervisor``
and ``config`` (not this file's), so two versions of the code can run side by side. It reads
a request number per line, runs it through Flask's test client and answers with the wall
and CPU milliseconds it took.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path[0] = os.getcwd()  # the checkout under test, not the folder of this file

from config import ProductionConfig  # noqa: E402

try:
    from supervisor.app import create_app
except ModuleNotFoundError:  # a revision from before the factory had a module of its own
    from supervisor import create_app  # type: ignore[attr-defined,no-redef]


def main() -> None:
    url, secret_key, listing, core = sys.argv[1:5]
    # Both versions on the same core: two virtual cores of a shared machine need not be
    # equally fast, and one version on the slower would look worse.
    os.sched_setaffinity(0, {int(core)})
    requests = [(path, cookie) for _page, path, cookie in json.loads(Path(listing).read_text())]
    settings = {"DATABASE_URL": url, "SECRET_KEY": secret_key, "BASE_URL": "http://localhost"}
    app = create_app(ProductionConfig, settings)  # the test client asks for localhost
    client = app.test_client(use_cookies=False)

    def get(number: int) -> None:
        path, cookie = requests[number]
        answer = client.get(path, headers={"Cookie": cookie} if cookie else {})
        if answer.status_code != 200:
            raise SystemExit(f"GET {path} answered {answer.status_code}")

    for number in range(len(requests)):  # warm up as a serving worker is
        get(number)
    print("ready", flush=True)
    for line in sys.stdin:
        wall, cpu = time.perf_counter(), time.process_time()
        get(int(line))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"{wall * 1000:.4f} {cpu * 1000:.4f}", flush=True)


if __name__ == "__main__":
    main()
