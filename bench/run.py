"""Measure how fast the busiest pages are under load, on a small and on a large database.

    python -m bench.run --database sqlite --families 5000
    python -m bench.run --database postgresql --families 5000

For the small (50 families) and the large database: build it if needed, serve the app with
gunicorn (2 workers), sign sample families in, drive each page with wrk (8 connections)
from a separate process, count SQL statements per request in-process, then print one table
per database size and how the targets stand. See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import statistics
import subprocess
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from bench import cpu, dataset, growth, inprocess, load, writes
from bench.pages import (
    DASHBOARD,
    HEALTH,
    PAGES,
    Member,
    Page,
    Session,
    family_numbers,
    members,
    sign_in,
)
from bench.server import Server, gunicorn
from supervisor.extensions import db

DATA = Path(__file__).resolve().parent / "data"
DATASET_VERSION = 1
SAME_FAMILIES = 50  # families 1..50 are identical in every database size
TARGET_RATIO = 0.25  # dashboard throughput, as a share of the health endpoint's
TARGET_P95_MS = 20.0
TARGET_GROWTH = 1.3  # dashboard p50, large database over small
INPROCESS_SESSIONS = 40  # sessions whose requests are counted and timed in-process
ATTEMPTS = 3  # measurements of a page while other processes keep disturbing it
FRESH_FOR = 15 * 60  # sign in again after this long: the app's idle timeout is 30 minutes


@dataclass(frozen=True)
class Options:
    database: str
    families: int
    small: int
    sample: int
    seconds: float
    warmup: float
    write_seconds: float
    connections: int
    pg_url: str
    rebuild: bool
    profile: bool
    seed: str


@dataclass(frozen=True)
class Row:
    """One line of a results table."""

    page: str
    rps: float
    p50: float
    p95: float
    p99: float
    ratio: float
    statements: float
    statements_min: int
    statements_max: int
    inprocess_ms: float
    sql_ms: float
    not_200: int
    database_cpu: float
    other_cpu: float
    steal: float
    disturbed: bool  # other processes took a noticeable share of the machine meanwhile


def database_url(options: Options, families: int) -> str:
    if options.database == "sqlite":
        return f"sqlite:///{DATA / f'sqlite-{families}.sqlite3'}"
    return f"{options.pg_url.rstrip('/')}/bench_{families}"


def ensure_dataset(options: Options, families: int) -> str:
    """The database for ``families``: reused when built by this version of the bench."""
    url = database_url(options, families)
    stamp = DATA / f"{options.database}-{families}.json"
    wanted = {"families": families, "seed": options.seed, "version": DATASET_VERSION}
    if not options.rebuild and stamp.exists() and _has_families(url, families):
        built = json.loads(stamp.read_text())
        # Writes leave a few hundred rows behind in millions (check-ins recorded, stages moved
        # and back): the stamp says so, and ``--rebuild`` measures on a fresh build.
        if {k: built.get(k) for k in wanted} == wanted:
            written = f", written to {built['written_at']}" if "written_at" in built else ""
            print(
                f"Reusing {options.database} database of {families} families "
                f"({built['built_at']}{written})"
            )
            return url
    print(f"Building {options.database} database of {families} families...")
    started = time.monotonic()
    counts = dataset.build(url, families, options.seed)
    DATA.mkdir(exist_ok=True)
    stamp.write_text(
        json.dumps(
            {
                **wanted,
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "seconds": round(time.monotonic() - started),
                "rows": counts,
            },
            indent=2,
        )
    )
    return url


def mark_written(options: Options, families: int) -> None:
    """The writes changed this database: its stamp says when (``--rebuild`` starts afresh)."""
    stamp = DATA / f"{options.database}-{families}.json"
    built = json.loads(stamp.read_text())
    built["written_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    stamp.write_text(json.dumps(built, indent=2))


def _has_families(url: str, families: int) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return bool(connection.scalar(sa.text("SELECT count(*) FROM family")) == families)
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


SAME = Page(f"dashboard, families 1-{SAME_FAMILIES}", DASHBOARD.path, DASHBOARD.who)
UNKEPT = Page("dashboard, nothing kept", DASHBOARD.path, DASHBOARD.who)
HEALTH_AGAIN = "health, again at the end"
Measured = tuple[load.LoadResult, cpu.Share]


@dataclass
class SignedIn:
    """The sample's sessions, signed in again before the app's idle timeout could end them."""

    base: str
    chosen: list[Member]
    sessions: list[Session] = field(default_factory=list)
    at: float | None = None  # monotonic time of the last sign-in; a clock's zero is not "long ago"

    def fresh(self) -> list[Session]:
        if self.at is None or time.monotonic() - self.at > FRESH_FOR:
            started = time.monotonic()
            self.sessions = sign_in(self.base, self.chosen)
            self.at = time.monotonic()
            took = self.at - started
            print(
                f"  signed in {len(self.sessions)} guardians and as many children in {took:.0f} s"
            )
        return self.sessions


def measure_database(
    options: Options, families: int, url: str
) -> tuple[list[Row], list[writes.WriteRow]]:
    """Serve one database, sign the sample in, measure every page, then the writes."""
    secret_key = "bench-" + secrets.token_hex(32)
    numbers = family_numbers(families, options.sample, SAME_FAMILIES, options.seed)
    pages = [*PAGES, SAME] if families > SAME_FAMILIES else PAGES
    log = DATA / f"gunicorn-{options.database}-{families}.log"
    with gunicorn(url, secret_key, log) as server:
        signed = SignedIn(server.base, members(url, numbers, options.seed))
        database = sa.make_url(url).database if options.database == "postgresql" else None
        watch = cpu.Watch(server.pid, database)
        first = _first_visits(server.base, pages, signed.fresh())
        print(f"  first visits: every page once per session, p50 {first:.1f} ms")
        loads = {page.name: _drive(options, server, watch, page, signed) for page in pages}
        loads[UNKEPT.name] = _unkept(options, url, secret_key, log, signed, database)
        # Health once more at the end: the ceiling is the mean of both, and a drift shows.
        loads[HEALTH_AGAIN] = _drive(options, server, watch, HEALTH, signed)
        # The pages' own cost in-process (the server idle) before the writes add rows.
        few = signed.fresh()[:INPROCESS_SESSIONS]
        costs = _costs(options, families, url, secret_key, pages, few)
        costs[UNKEPT.name] = _unkept_cost(url, secret_key, few)
        written = []
        if options.write_seconds > 0:
            watch.wait_until_quiet()
            mark_written(options, families)
            written = writes.measure(
                server.base,
                url,
                secret_key,
                signed.fresh(),
                options.write_seconds,
                options.connections,
            )
    costs[HEALTH_AGAIN] = costs[HEALTH.name]
    health = (loads[HEALTH.name][0].rps + loads[HEALTH_AGAIN][0].rps) / 2
    return [_row(name, loads[name], costs[name], health) for name in loads], written


def _first_visits(base: str, pages: list[Page], sessions: list[Session]) -> float:
    """Every page once per session, one after another, before anything is measured: a
    database just built (or not read for a while) is partly on disk, and the first reads of
    each family would measure the disk. Returns the median time of these first visits."""
    host, port = base.removeprefix("http://").split(":")
    times = []
    for page in pages:
        for path, cookie in page.requests(sessions):
            connection = http.client.HTTPConnection(host, int(port), timeout=60)
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            connection.getresponse().read()
            times.append(time.perf_counter() - started)
            connection.close()
    return statistics.median(times) * 1000


def _unkept(
    options: Options, url: str, secret_key: str, log: Path, signed: SignedIn, database: str | None
) -> Measured:
    """The dashboard served by workers that keep no page: every visit renders it, as the
    first visit after the family's page changed does (the sessions are rows: the same
    cookies work on this server)."""
    plain = log.with_name(log.stem + "-nothing-kept.log")
    with gunicorn(url, secret_key, plain, settings={"SUPERVISOR_KEPT_PAGES": "0"}) as server:
        watch = cpu.Watch(server.pid, database)
        return _drive(options, server, watch, UNKEPT, signed)


def _unkept_cost(url: str, secret_key: str, sessions: list[Session]) -> inprocess.PageCost:
    app = inprocess.make_app(url, secret_key, KEPT_PAGES=0)
    cost = inprocess.measure_all(app, [UNKEPT], sessions)[UNKEPT.name]
    with app.app_context():
        db.engine.dispose()
    return cost


def _costs(
    options: Options,
    families: int,
    url: str,
    secret_key: str,
    pages: list[Page],
    sessions: list[Session],
) -> dict[str, inprocess.PageCost]:
    """Statements and time per request in-process; the statements and profiles to files."""
    app = inprocess.make_app(url, secret_key)
    costs = inprocess.measure_all(app, pages, sessions)
    statements = DATA / f"statements-{options.database}-{families}.txt"
    statements.write_text(
        "".join(f"== {name}\n" + "\n".join(c.example) + "\n\n" for name, c in costs.items())
    )
    if options.profile:
        _profile(options, families, app, sessions)
    with app.app_context():
        db.engine.dispose()
    return costs


def _drive(
    options: Options, server: Server, watch: cpu.Watch, page: Page, signed: SignedIn
) -> Measured:
    """On a quiet machine: warm up, then measure; again if other processes took CPU meanwhile."""
    tries = []
    for _ in range(ATTEMPTS):
        watch.wait_until_quiet()
        sessions = signed.fresh()
        # SAME is the dashboard of just the families that the small database has too.
        requests = page.requests(sessions[:SAME_FAMILIES] if page is SAME else sessions)
        load.run(server.base, requests, options.warmup, options.connections)
        before = watch.snapshot()
        result = load.run(server.base, requests, options.seconds, options.connections)
        share = cpu.between(before, watch.snapshot())
        print(
            f"  {page.name:36} {result.rps:7.1f} req/s  p50 {result.p50:6.1f} ms  "
            f"p95 {result.p95:6.1f} ms  (not 200: {result.not_200}; {share})",
            flush=True,
        )
        tries.append((result, share))
        if not share.disturbed:
            break
    return min(tries, key=lambda t: t[1].other + t[1].steal)


def _row(
    name: str,
    measured: Measured,
    cost: inprocess.PageCost,
    health: float,
) -> Row:
    result, disturbance = measured
    return Row(
        page=name,
        rps=result.rps,
        p50=result.p50,
        p95=result.p95,
        p99=result.p99,
        ratio=result.rps / health if health else 0.0,
        statements=cost.statements,
        statements_min=cost.statements_min,
        statements_max=cost.statements_max,
        inprocess_ms=cost.ms,
        sql_ms=cost.sql_ms,
        not_200=result.not_200 + result.socket_errors,
        database_cpu=disturbance.database,
        other_cpu=disturbance.other,
        steal=disturbance.steal,
        disturbed=disturbance.disturbed,
    )


def _profile(options: Options, families: int, app: Flask, sessions: list[Session]) -> None:
    for page in PAGES:
        out = DATA / f"profile-{options.database}-{families}-{page.name.split()[0]}.txt"
        inprocess.profile(app, page, sessions, out)
        print(f"  profile of {page.name}: {out.relative_to(DATA.parent.parent)}")


# --- reporting ---------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    """A Markdown table, ready for bench/README.md."""
    lines = [
        "| page | req/s | p50 ms | p95 ms | p99 ms | x health | SQL/request | in-process ms "
        "(in driver) | database CPU | others' CPU |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        low, high = r.statements_min, r.statements_max
        statements = f"{r.statements:.1f}" + (f" ({low}-{high})" if low != high else "")
        mark = " (DISTURBED)" if r.disturbed else ""
        mark += f" ({r.not_200} not 200)" if r.not_200 else ""
        lines.append(
            f"| {r.page}{mark} | {r.rps:.0f} | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} | "
            f"{r.ratio:.0%} | {statements} | {r.inprocess_ms:.1f} ({r.sql_ms:.1f}) | "
            f"{r.database_cpu:.0%} | {r.other_cpu + r.steal:.0%} |"
        )
    return "\n".join(lines)


def targets(large: list[Row], grown: growth.Growth, families: int, options: Options) -> str:
    by_name = {r.page: r for r in large}
    dashboard = by_name[DASHBOARD.name]
    checks = [
        (
            f"dashboard throughput ≥ {TARGET_RATIO:.0%} of health's ({families} families)",
            f"{dashboard.ratio:.0%} ({dashboard.rps:.0f} vs {dashboard.rps / dashboard.ratio:.0f} "
            "req/s)",
            dashboard.ratio >= TARGET_RATIO,
        ),
        (
            f"dashboard p95 < {TARGET_P95_MS:.0f} ms at {options.connections} users "
            f"({families} families)",
            f"{dashboard.p95:.1f} ms",
            dashboard.p95 < TARGET_P95_MS,
        ),
        (
            f"dashboard p50 with {families} families ≤ {TARGET_GROWTH}x with {options.small} "
            f"(the same families, {grown.rounds} rounds in turns)",
            f"{grown.large_p50:.1f} ms vs {grown.small_p50:.1f} ms: {grown.ratio:.2f}x",
            grown.ratio <= TARGET_GROWTH,
        ),
    ]
    lines = ["| target | measured | met |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if ok else 'NO'} |" for name, value, ok in checks]
    return "\n".join(lines)


def machine(url: str) -> str:
    """What the numbers were measured on; they mean little without it."""
    cpuinfo = Path("/proc/cpuinfo")
    models = [
        line.split(":", 1)[1].strip()
        for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
        if line.startswith("model name")
    ]
    wrk = subprocess.run([load.wrk_binary(), "-v"], capture_output=True, text=True, check=False)  # noqa: S603 - our own command line
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        version = ".".join(map(str, connection.dialect.server_version_info or ()))
    engine.dispose()
    return (
        f"{os.cpu_count()} cores ({models[0] if models else platform.processor()}), "
        f"Python {platform.python_version()}, {engine.dialect.name} {version}, "
        f"{' '.join((wrk.stdout or wrk.stderr).split()[:2])}"
    )


def main() -> None:
    options = parse()
    DATA.mkdir(exist_ok=True)
    results: dict[int, list[Row]] = {}
    written: dict[int, list[writes.WriteRow]] = {}
    urls = {n: ensure_dataset(options, n) for n in sorted({options.small, options.families})}
    about = machine(urls[options.families])
    print(about)
    for families, url in urls.items():
        print(f"Measuring {options.database}, {families} families:")
        results[families], written[families] = measure_database(options, families, url)
    report = [f"## {options.database}", "", about]
    for families, rows in results.items():
        report += [f"\n{families} families:\n", table(rows)]
        if written[families]:
            report += [f"\nWrites, {families} families:\n", writes.table(written[families])]
    same = min(SAME_FAMILIES, options.small)
    grown = growth.measure(
        options.database,
        urls[options.small],
        urls[options.families],
        same,
        options.seed,
        DATA,
        options.seconds / 3,
        options.warmup,
        options.connections,
    )
    print(
        f"Growth, families 1-{same} in both databases in turns: p50 {grown.large_p50:.1f} ms "
        f"vs {grown.small_p50:.1f} ms, {grown.ratio:.2f}x"
    )
    large = results[options.families]
    report += ["\nTargets:\n", targets(large, grown, options.families, options)]
    text = "\n".join(report)
    print("\n" + text)
    out = DATA / f"results-{options.database}.json"
    out.write_text(
        json.dumps(
            {
                **{str(k): [asdict(r) for r in v] for k, v in results.items()},
                "writes": {str(k): [asdict(w) for w in v] for k, v in written.items()},
                "growth": asdict(grown),
            },
            indent=2,
        )
    )
    (DATA / f"results-{options.database}.md").write_text(text + "\n")


def parse() -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--families", type=int, default=5000, help="the large database")
    parser.add_argument("--small", type=int, default=50, help="the small database")
    parser.add_argument("--sample", type=int, default=200, help="families signed in")
    parser.add_argument("--seconds", type=float, default=12, help="measured load per page")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured load per page first")
    parser.add_argument(
        "--write-seconds", type=float, default=5, help="measured time per write (0: no writes)"
    )
    parser.add_argument("--connections", type=int, default=8, help="concurrent users")
    parser.add_argument(
        "--pg-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432",
        help="PostgreSQL server; databases bench_<families> are (re)created on it",
    )
    parser.add_argument("--rebuild", action="store_true", help="build the databases again")
    parser.add_argument("--profile", action="store_true", help="pyinstrument profiles per page")
    parser.add_argument("--seed", default=dataset.SEED)
    args = parser.parse_args()
    return Options(**vars(args))


if __name__ == "__main__":
    main()
