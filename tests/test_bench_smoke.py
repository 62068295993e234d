"""The planning and delivery benchmarks still run (a smoke pass; timings are not judged here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "BENCH_DATABASE_URL"}  # SQLite, temp dir
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_planning_benchmark_runs_and_a_quiet_pass_costs_what_an_empty_one_does() -> None:
    out = _run("bench/planning.py", "1")
    rows = {line.split(" | ")[1]: line.split(" | ") for line in out.splitlines() if " | " in line}
    assert {"empty", "first", "quiet", "day turn"} <= rows.keys()
    assert rows["quiet"][3] == rows["empty"][3]  # the same statements with and without data


def test_the_delivery_benchmark_runs_against_the_bare_loop() -> None:
    out = _run("bench/delivery.py", "20")
    assert "bare | " in out and "worker, 8 at a time | " in out
