"""Driving the server with wrk from a separate process, and reading its numbers back."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "rotate.lua"
MARK = "BENCH-RESULT "


@dataclass(frozen=True)
class LoadResult:
    """What wrk measured for one page: throughput and latency percentiles in milliseconds."""

    requests: int
    seconds: float
    not_200: int
    socket_errors: int
    p50: float
    p90: float
    p95: float
    p99: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    return found


def run(
    base: str,
    requests: list[tuple[str, str]],
    seconds: float,
    connections: int = 8,
    threads: int = 2,
) -> LoadResult:
    """Closed-loop load: ``connections`` users, each sending its next request on an answer."""
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as listing:
        listing.writelines(f"{path}\t{cookie}\n" for path, cookie in requests)
    try:
        command = [
            wrk_binary(),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(SCRIPT),
            base,
            "--",
            listing.name,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own command line
        if done.returncode:
            raise RuntimeError(f"wrk exited with {done.returncode}:\n{done.stdout}{done.stderr}")
        output = done.stdout
    finally:
        Path(listing.name).unlink()
    return _parse(output)


def _parse(output: str) -> LoadResult:
    line = next((line for line in output.splitlines() if line.startswith(MARK)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    data = json.loads(line.removeprefix(MARK))
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        not_200=data["not_200"],
        socket_errors=data["socket_errors"],
        p50=data["p50_us"] / 1000,
        p90=data["p90_us"] / 1000,
        p95=data["p95_us"] / 1000,
        p99=data["p99_us"] / 1000,
    )
