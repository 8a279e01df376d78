"""Does the dashboard slow down as the database grows? The same families' pages in the small
and the large database, served side by side, the load taking turns in short rounds.

Two load runs minutes apart cannot answer it: on a shared machine the speed of the whole
machine drifts by a fifth from one minute to the next (``bench.compare``), and the small
database's run and the large one's are minutes apart. Here both servers are up at once
(the one not driven is idle), each round drives one and then the other (which goes first
alternates), and the ratio is the median of the rounds' ratios.
"""

from __future__ import annotations

import secrets
import statistics
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench import cpu, load
from bench.pages import DASHBOARD, members, sign_in
from bench.server import gunicorn

ROUNDS = 6


@dataclass(frozen=True)
class Growth:
    """The dashboard p50 of the same families in the small and the large database."""

    small_p50: float  # the median over the rounds
    large_p50: float
    ratio: float  # the median of each round's large over small
    rounds: int


def measure(
    database: str,
    small_url: str,
    large_url: str,
    families: int,
    seed: str,
    data: Path,
    seconds: float,
    warmup: float,
    connections: int,
) -> Growth:
    """Families 1..``families`` (identical in both databases) sign in on a server for each
    database; then ``ROUNDS`` rounds of ``seconds`` of load on each, in turns."""
    numbers = list(range(1, families + 1))
    with ExitStack() as stack:
        served = []
        for name, url in (("small", small_url), ("large", large_url)):
            log = data / f"gunicorn-{database}-growth-{name}.log"
            server = stack.enter_context(gunicorn(url, "bench-" + secrets.token_hex(32), log))
            requests = DASHBOARD.requests(sign_in(server.base, members(url, numbers, seed)))
            load.run(server.base, requests, warmup, connections)  # every page kept once
            served.append((server, requests))
        watch = cpu.Watch(served[0][0].pid)  # the idle machine, seen from either server
        p50s: list[list[float]] = [[], []]
        for round_number in range(ROUNDS):
            order = (0, 1) if round_number % 2 == 0 else (1, 0)
            watch.wait_until_quiet()
            for which in order:
                server, requests = served[which]
                result = load.run(server.base, requests, seconds, connections)
                p50s[which].append(result.p50)
    ratios = [large / small for small, large in zip(*p50s, strict=True)]
    return Growth(
        statistics.median(p50s[0]), statistics.median(p50s[1]), statistics.median(ratios), ROUNDS
    )
