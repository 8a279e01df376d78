"""Before and after a change, in lockstep: the same requests taken in turn by two versions.

    python -m bench.compare --database postgresql --before HEAD~3

On a shared machine the speed of the whole machine drifts by a fifth from one minute to the
next, more than most changes are worth, so two load runs minutes apart cannot tell a change
from the drift. Here one process per version builds the app on the same database, and each
request goes to both, one after the other (which goes first alternates), so drift hits both
alike; both run on the same core. Prints per page the median wall and CPU time per request
and the ratio after/before.
``--before`` is checked out into a temporary git worktree; ``--after`` is this checkout
unless given. Wall time includes waiting for the database server; CPU time is this process's.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import dataset
from bench.pages import PAGES, family_numbers, members, sign_in
from bench.run import DATA, SAME_FAMILIES, Options, ensure_dataset
from bench.server import ROOT, gunicorn

WORKER = Path(__file__).with_name("lockstep_worker.py")
SESSIONS = 40
CORE = 0  # both versions run on this core, taking turns


@contextmanager
def checkout(revision: str) -> Iterator[Path]:
    """``revision`` in a temporary worktree, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-before-") as folder:
        tree = Path(folder) / "tree"
        git = ["git", "-C", str(ROOT), "worktree"]
        subprocess.run([*git, "add", "--detach", str(tree), revision], check=True)  # noqa: S603 - our own command line
        try:
            yield tree
        finally:
            subprocess.run([*git, "remove", "--force", str(tree)], check=True)  # noqa: S603 - our own command line


class Worker:
    """One version's process, taking request numbers and answering with its times."""

    def __init__(self, tree: Path, url: str, secret_key: str, listing: Path) -> None:
        command = [sys.executable, str(WORKER), url, secret_key, str(listing), str(CORE)]
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=tree, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        if self._line() != "ready":
            raise RuntimeError(f"the worker in {tree} did not start")

    def _line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def time(self, number: int) -> tuple[float, float]:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{number}\n")
        self.process.stdin.flush()
        wall, cpu = self._line().split()
        return float(wall), float(cpu)

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def compare(url: str, families: int, trees: dict[str, Path], rounds: int, seed: str) -> str:
    """Sign in through gunicorn once, then run both versions in lockstep; a Markdown table."""
    secret_key = "bench-" + secrets.token_hex(32)
    chosen = members(url, family_numbers(families, SESSIONS, SAME_FAMILIES, seed), seed)
    with gunicorn(url, secret_key, DATA / "gunicorn-compare.log") as server:
        sessions = sign_in(server.base, chosen)
    requests = [
        (page.name, path, cookie) for page in PAGES for path, cookie in page.requests(sessions)
    ]
    listing = DATA / "compare-requests.json"
    listing.write_text(json.dumps(requests))
    workers = {name: Worker(tree, url, secret_key, listing) for name, tree in trees.items()}
    times: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    try:
        for turn in range(rounds):
            for number, (page, _path, _cookie) in enumerate(requests):
                order = list(workers) if (number + turn) % 2 == 0 else list(workers)[::-1]
                for name in order:
                    times[name, page].append(workers[name].time(number))
    finally:
        for worker in workers.values():
            worker.stop()
        listing.unlink()
    return table(times, [page.name for page in PAGES])


def table(times: dict[tuple[str, str], list[tuple[float, float]]], pages: list[str]) -> str:
    def median(page: str, side: str, kind: int) -> float:
        return statistics.median(t[kind] for t in times[side, page])

    lines = [
        "| page | before ms | after ms | after/before "
        "| before CPU ms | after CPU ms | after/before |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for page in pages:
        wall = median(page, "before", 0), median(page, "after", 0)
        cpu = median(page, "before", 1), median(page, "after", 1)
        lines.append(
            f"| {page} | {wall[0]:.2f} | {wall[1]:.2f} | {wall[1] / wall[0]:.2f}x "
            f"| {cpu[0]:.2f} | {cpu[1]:.2f} | {cpu[1] / cpu[0]:.2f}x |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--families", type=int, default=5000)
    parser.add_argument("--before", required=True, help="a git revision")
    parser.add_argument("--after", type=Path, default=ROOT, help="a checkout (this one)")
    parser.add_argument("--rounds", type=int, default=5, help="requests per session and page")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--seed", default=dataset.SEED)
    args = parser.parse_args()
    options = Options(
        database=args.database,
        families=args.families,
        small=args.families,
        sample=SESSIONS,
        seconds=0,
        warmup=0,
        write_seconds=0,
        connections=0,
        pg_url=args.pg_url,
        rebuild=False,
        profile=False,
        seed=args.seed,
    )
    DATA.mkdir(exist_ok=True)
    url = ensure_dataset(options, args.families)
    with checkout(args.before) as before:
        trees = {"before": before, "after": args.after}
        print(compare(url, args.families, trees, args.rounds, args.seed))


if __name__ == "__main__":
    main()
