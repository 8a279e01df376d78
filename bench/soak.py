"""A long run: do the pages and the writes stay fast, error-free, and the workers' memory flat?

    python -m bench.soak --database sqlite --families 5000 --minutes 30

Serves the database with the bench's gunicorn (2 workers), signs the sample in, then for the
given minutes drives every page of ``bench.pages.PAGES`` with wrk (rounds of a minute, each
session's pages in turn) while one thread makes the three writes of ``bench.writes`` at a
lower rate. Between rounds the sample signs in again before the app's idle timeout could end
its sessions (wrk sends the same cookies all along, so the app never sees them refreshed).
Every 30 s it reads each worker's resident memory from /proc. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from bench import cpu, dataset, load, run, writes
from bench.browser import Browser
from bench.pages import PAGES, Session, family_numbers, members
from bench.server import gunicorn

ROUND = 60.0  # seconds of wrk at a time; the sample signs in again between rounds when due
MEMORY_EVERY = 30.0
PROC = Path("/proc")


def workers_rss(master: int) -> dict[int, int]:
    """Resident memory (kB) of each child process of gunicorn's master: its workers."""
    found = {}
    for status in PROC.glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue  # the process ended while we looked
        if int(fields.get("PPid", "0")) == master and "VmRSS" in fields:
            found[int(status.parent.name)] = int(fields["VmRSS"].split()[0])
    return found


@dataclass
class MemoryWatch:
    """Samples the workers' memory every ``MEMORY_EVERY`` seconds in a thread of its own."""

    master: int
    samples: list[tuple[float, dict[int, int]]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def sample(self) -> dict[int, int]:
        rss = workers_rss(self.master)
        self.samples.append((time.monotonic(), rss))
        return rss

    def run(self) -> None:
        while not self.stop.wait(MEMORY_EVERY):
            self.sample()

    def workers(self) -> list[WorkerMemory]:
        pids = sorted({pid for _, rss in self.samples for pid in rss})
        return [
            WorkerMemory(
                pid,
                start_kb=next(rss[pid] for _, rss in self.samples if pid in rss),
                end_kb=self.samples[-1][1].get(pid, 0),  # 0: the worker was replaced
                max_kb=max(rss.get(pid, 0) for _, rss in self.samples),
            )
            for pid in pids
        ]


@dataclass(frozen=True)
class WorkerMemory:
    pid: int
    start_kb: int
    end_kb: int
    max_kb: int


@dataclass
class Writer:
    """One guardian or tablet after another, a write every ``every`` seconds, the three in turn."""

    work: dict[str, list[writes.Job]]
    every: float
    samples: dict[str, list[writes.Sample]] = field(default_factory=dict)
    socket_errors: int = 0
    ran_out: set[str] = field(default_factory=set)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        turn = 0
        while not self.stop.is_set():
            for name, jobs in self.work.items():
                if jobs and not self._once(name, jobs, turn) and self.stop.wait(self.every):
                    return
            if not any(self.work.values()) and self.stop.wait(self.every):
                return
            turn += 1

    def _once(self, name: str, jobs: list[writes.Job], turn: int) -> bool:
        """One write of ``name``; True when there was none left to make."""
        job = jobs[turn % len(jobs)]
        try:
            sample = job.once()
        except OSError:
            self.socket_errors += 1
            return False
        if sample is None:  # this family has recorded every check-in due
            jobs.remove(job)
            if not jobs:
                self.ran_out.add(name)
            return True
        self.samples.setdefault(name, []).append(sample)
        return False


@dataclass(frozen=True)
class WriteSummary:
    write: str
    posts: int
    p50: float
    p95: float
    unexpected: int
    statuses: dict[str, int]
    ran_out: bool


@dataclass(frozen=True)
class Report:
    database: str
    families: int
    minutes: float
    seconds: float  # from the first round's start to the last one's end
    sessions: int
    get_requests: int
    get_seconds: float
    get_not_200: int
    get_socket_errors: int
    get_p95_median: float  # of the rounds' p95
    get_p95_worst: float
    rounds: int
    writes: list[WriteSummary]
    write_socket_errors: int
    memory: list[WorkerMemory]
    others_cpu: float
    machine: str
    at: str

    @property
    def errors(self) -> int:
        written = sum(w.unexpected for w in self.writes) + self.write_socket_errors
        return self.get_not_200 + self.get_socket_errors + written

    @property
    def requests(self) -> int:
        return self.get_requests + sum(w.posts for w in self.writes)


def listing(sessions: list[Session]) -> list[tuple[str, str]]:
    """Every page for each session in turn, so each round touches every session."""
    return [request for s in sessions for page in PAGES for request in page.requests([s])]


def soak(options: run.Options, minutes: float, every: float) -> Report:
    url = run.ensure_dataset(options, options.families)
    about = run.machine(url)
    print(about)
    numbers = family_numbers(options.families, options.sample, run.SAME_FAMILIES, options.seed)
    log = run.DATA / f"gunicorn-soak-{options.database}-{options.families}.log"
    with gunicorn(url, "bench-" + secrets.token_hex(32), log) as server:
        signed = run.SignedIn(server.base, members(url, numbers, options.seed))
        database = sa.make_url(url).database if options.database == "postgresql" else None
        watch = cpu.Watch(server.pid, database)
        watch.wait_until_quiet()
        sessions = signed.fresh()
        run.mark_written(options, options.families)
        the_plan = writes.plan(url, sessions)
        writer = Writer(
            writes.jobs(the_plan, sessions, lambda c: Browser(server.base, dict(c))), every
        )
        memory = MemoryWatch(server.pid)
        print(f"  workers' memory at the start: {_mb(memory.sample())}")
        threads = [threading.Thread(target=writer.run), threading.Thread(target=memory.run)]
        for thread in threads:
            thread.start()
        before = watch.snapshot()
        started = time.monotonic()
        rounds = []
        deadline = time.monotonic() + minutes * 60
        try:
            while (left := deadline - time.monotonic()) >= 1:
                requests = listing(signed.fresh())
                rounds.append(
                    load.run(server.base, requests, min(ROUND, left), options.connections)
                )
                r = rounds[-1]
                print(
                    f"  round {len(rounds)}: {r.rps:6.1f} req/s  p95 {r.p95:6.1f} ms  "
                    f"(not 200: {r.not_200}, socket errors: {r.socket_errors}); writes "
                    f"{sum(len(s) for s in writer.samples.values())}; "
                    f"memory {_mb(workers_rss(server.pid))}",
                    flush=True,
                )
        finally:
            writer.stop.set()
            memory.stop.set()
            for thread in threads:
                thread.join()
        seconds = time.monotonic() - started
        share = cpu.between(before, watch.snapshot())
        memory.sample()
    return Report(
        database=options.database,
        families=options.families,
        minutes=minutes,
        seconds=seconds,
        sessions=len(sessions),
        get_requests=sum(r.requests for r in rounds),
        get_seconds=sum(r.seconds for r in rounds),
        get_not_200=sum(r.not_200 for r in rounds),
        get_socket_errors=sum(r.socket_errors for r in rounds),
        get_p95_median=statistics.median(r.p95 for r in rounds) if rounds else 0.0,
        get_p95_worst=max((r.p95 for r in rounds), default=0.0),
        rounds=len(rounds),
        writes=[_summary(name, writer) for name in writer.work],
        write_socket_errors=writer.socket_errors,
        memory=memory.workers(),
        others_cpu=share.other + share.steal,
        machine=about,
        at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _summary(name: str, writer: Writer) -> WriteSummary:
    samples = writer.samples.get(name, [])
    times = [s.seconds * 1000 for s in samples if s.ok]
    statuses = Counter(s.answer for s in samples if not s.ok)
    return WriteSummary(
        write=name,
        posts=len(samples),
        p50=writes.percentile(times, 0.5),
        p95=writes.percentile(times, 0.95),
        unexpected=sum(statuses.values()),
        statuses=dict(statuses),
        ran_out=name in writer.ran_out,
    )


def _mb(rss: dict[int, int]) -> str:
    return ", ".join(f"{pid}: {kb / 1024:.0f} MB" for pid, kb in sorted(rss.items()))


def markdown(report: Report) -> str:
    rps = report.get_requests / report.get_seconds if report.get_seconds else 0.0
    lines = [
        f"## Soak: {report.database}, {report.families} families, {report.minutes:g} minutes",
        "",
        f"{report.machine}; {report.sessions} families signed in; measured {report.at}; "
        f"others' CPU {report.others_cpu:.0%}",
        "",
        "| what | measured |",
        "|---|---:|",
        f"| requests (GET pages and write POSTs) | {report.requests} |",
        f"| requests/s, all | {report.requests / report.seconds if report.seconds else 0:.0f} |",
        f"| errors (not the expected status, socket errors) | {report.errors} |",
        f"| GET req/s ({report.rounds} rounds of wrk) | {rps:.0f} |",
        f"| GET p95 ms, median of the rounds | {report.get_p95_median:.1f} |",
        f"| GET p95 ms, worst round | {report.get_p95_worst:.1f} |",
        f"| GET not 200 / socket errors | {report.get_not_200} / {report.get_socket_errors} |",
        "",
        "| write | POSTs | p50 ms | p95 ms | not as expected |",
        "|---|---:|---:|---:|---:|",
    ]
    for w in report.writes:
        mark = " (every check-in due was recorded)" if w.ran_out else ""
        lines.append(
            f"| {w.write}{mark} | {w.posts} | {w.p50:.1f} | {w.p95:.1f} | {w.unexpected}"
            f"{f' {w.statuses}' if w.statuses else ''} |"
        )
    lines += [
        "",
        "| gunicorn worker | RSS at the start MB | at the end MB | max MB |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {m.pid} | {m.start_kb / 1024:.1f} | {m.end_kb / 1024:.1f} | {m.max_kb / 1024:.1f} |"
        for m in report.memory
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--families", type=int, default=5000)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--sample", type=int, default=200, help="families signed in")
    parser.add_argument("--connections", type=int, default=8, help="concurrent GET users")
    parser.add_argument("--write-every", type=float, default=2.0, help="seconds between two writes")
    parser.add_argument(
        "--pg-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432",
        help="PostgreSQL server; database bench_<families> is (re)created on it",
    )
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--seed", default=dataset.SEED)
    args = parser.parse_args()
    options = run.Options(
        database=args.database,
        families=args.families,
        small=args.families,
        sample=args.sample,
        seconds=0,
        warmup=0,
        write_seconds=0,
        connections=args.connections,
        pg_url=args.pg_url,
        rebuild=args.rebuild,
        profile=False,
        seed=args.seed,
    )
    run.DATA.mkdir(exist_ok=True)
    report = soak(options, args.minutes, args.write_every)
    text = markdown(report)
    print("\n" + text)
    out = run.DATA / f"soak-{args.database}"
    out.with_suffix(".md").write_text(text + "\n")
    summary = {**asdict(report), "errors": report.errors, "requests": report.requests}
    out.with_suffix(".json").write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
