"""Who used the CPU during a measurement: the server, its database, wrk, or something else.

On a shared two-core machine another process (a test run, a build) can take a core and make
every number worse. The bench reads /proc to wait for a quiet machine before measuring and
to tell how much of the machine others took while it measured, so a disturbed number is
measured again or marked, never passed off as the app's speed.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")
QUIET = 0.10  # others may use up to this share of the machine without spoiling a number


@dataclass(frozen=True)
class Process:
    name: str
    parent: int
    seconds: float


@dataclass(frozen=True)
class Snapshot:
    at: float
    busy: float  # all cores, seconds, without steal
    steal: float  # taken by the hypervisor for other machines
    server: float  # the gunicorn master and its workers
    database: float  # PostgreSQL serving the bench's database, when it runs on this machine
    finished_children: float  # processes this one started and waited for (wrk)
    own: float


@dataclass(frozen=True)
class Share:
    """Shares of the machine's capacity over a period."""

    database: float
    other: float  # other processes, and kernel work not charged to any process
    steal: float

    @property
    def disturbed(self) -> bool:
        return self.other + self.steal > QUIET

    def __str__(self) -> str:
        return f"database CPU {self.database:.0%}, others {self.other:.0%}, steal {self.steal:.0%}"


@dataclass(frozen=True)
class Watch:
    """Watches the machine on behalf of one server and its database."""

    server_pid: int
    database: str | None = None  # the PostgreSQL database name, to tell its backends apart

    def snapshot(self) -> Snapshot:
        fields = [int(v) for v in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:9]]
        user, nice, system, _idle, _iowait, irq, softirq, steal = fields
        times = os.times()
        processes = _processes()
        return Snapshot(
            at=time.monotonic(),
            busy=(user + nice + system + irq + softirq) / TICKS,
            steal=steal / TICKS,
            server=_tree_seconds(processes, self.server_pid),
            database=sum(p.seconds for pid, p in processes.items() if self._serves_us(pid, p)),
            finished_children=times.children_user + times.children_system,
            own=times.user + times.system,
        )

    def wait_until_quiet(self, patience: float = 120, window: float = 2) -> Share:
        """Wait (up to ``patience`` seconds) until others leave the machine nearly idle."""
        deadline = time.monotonic() + patience
        while True:
            before = self.snapshot()
            time.sleep(window)
            share = between(before, self.snapshot())
            if not share.disturbed or time.monotonic() > deadline:
                return share
            print(f"    waiting for a quiet machine ({share})", flush=True)
            time.sleep(10)

    def _serves_us(self, pid: int, process: Process) -> bool:
        """PostgreSQL's shared processes, and the backends connected to the bench's database."""
        if process.name != "postgres" or self.database is None:
            return False
        try:
            title = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            return False
        is_backend = "(" in title  # "postgres: user database 127.0.0.1(5678) idle"
        return not is_backend or f" {self.database} " in title


def between(before: Snapshot, after: Snapshot) -> Share:
    capacity = (after.at - before.at) * (os.cpu_count() or 1)
    if capacity <= 0:
        return Share(0.0, 0.0, 0.0)
    database = after.database - before.database
    ours = (
        database
        + (after.server - before.server)
        + (after.finished_children - before.finished_children)
        + (after.own - before.own)
    )
    other = max(0.0, after.busy - before.busy - ours)
    return Share(database / capacity, other / capacity, (after.steal - before.steal) / capacity)


def _processes() -> dict[int, Process]:
    found = {}
    for stat in PROC.glob("[0-9]*/stat"):
        try:
            before_name, _, after_name = stat.read_text().rpartition(")")
        except OSError:
            continue  # the process ended while we looked
        fields = after_name.split()
        found[int(stat.parent.name)] = Process(
            name=before_name.partition("(")[2],
            parent=int(fields[1]),
            seconds=(int(fields[11]) + int(fields[12])) / TICKS,
        )
    return found


def _tree_seconds(processes: dict[int, Process], root: int) -> float:
    """CPU seconds of ``root`` and every live descendant."""
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, process in processes.items():
            if process.parent == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(processes[pid].seconds for pid in tree if pid in processes)
