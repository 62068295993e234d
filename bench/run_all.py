"""Every benchmark in one command, with its figures written into bench/RESULTS.md.

    .venv/bin/python bench/run_all.py            # about ten minutes on the 2-core machine
    .venv/bin/python bench/run_all.py --smoke    # under a minute: each runs, nothing is judged
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/circles_bench \\
        .venv/bin/python bench/run_all.py        # the same on PostgreSQL (a database it may empty)

Runs, one after the other, each against its baseline in the same run:

- ``pages.py``: Today, a circle, a meetup, My load and the log over HTTP (gunicorn, wrk -c32,
  logged in) against a bare Flask app, at 1 x, with 120-week-old meetups and at 10 x data;
- ``planning.py``: the worker's planning pass at 1, 100 and 1,000 circles against an empty
  database, with statement counts;
- ``delivery.py``: push delivery through the worker against the bare ``PushSender.send`` loop;
- ``page_weight.py``: bytes on the wire for a first and a repeat visit to Today, through Caddy as
  deployed and from the app with and without compression, and the layout shift of Today;
- ``lighthouse.py``: a Lighthouse mobile run of Today through Caddy (optional: needs npm).

The full run replaces the section between the ``run_all`` markers in bench/RESULTS.md with what
each printed, the date and the commit. ``--smoke`` (what CI runs) only checks that each one runs
and prints its figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
START, END = "<!-- run_all -->", "<!-- /run_all -->"

FULL = [
    ("Pages over HTTP", ["bench/pages.py"]),
    ("Planning pass", ["bench/planning.py", "1", "100", "1000"]),
    ("Push delivery", ["bench/delivery.py", "1000"]),
    ("Page weight and layout shift of Today", ["bench/page_weight.py"]),
    ("Lighthouse, mobile, Today", ["bench/lighthouse.py"]),
]
OPTIONAL = {"Lighthouse, mobile, Today"}  # needs npm (npx fetches Lighthouse): noted if it fails
SMOKE = [
    ("Pages over HTTP", ["bench/pages.py", "--smoke"]),
    ("Planning pass", ["bench/planning.py", "1"]),
    ("Push delivery", ["bench/delivery.py", "20"]),
]
# What each must print for its figures to count as there.
EXPECTED = {
    "Pages over HTTP": "| 1x | Today |",
    "Planning pass": "| quiet |",
    "Push delivery": "bare | ",
    "Page weight and layout shift of Today": "first visit",
    "Lighthouse, mobile, Today": "cumulative-layout-shift",
}


def commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True
    )
    return (done.stdout.strip() or "unknown") + (" (with local changes)" if dirty.stdout else "")


def run(name: str, argv: list[str]) -> tuple[str, float]:
    started = time.monotonic()
    print(f"==> {name}: {' '.join(argv)}", flush=True)
    done = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, capture_output=True, text=True, timeout=1800
    )
    took = time.monotonic() - started
    print(done.stdout, flush=True)
    failed = done.returncode != 0 or EXPECTED[name] not in done.stdout
    if failed and name in OPTIONAL:
        return f"Not run: {(done.stderr.strip().splitlines() or ['no output'])[-1]}", took
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"{name} failed (exit {done.returncode})")
    if failed:
        raise SystemExit(f"{name} printed no figures")
    return done.stdout, took


def write_results(sections: list[tuple[str, str, float]], database: str) -> None:
    now = datetime.now(UTC)
    lines = [
        START,
        f"## All benchmarks: `bench/run_all.py`, {now:%Y-%m-%d %H:%M} UTC, commit {commit()}",
        "",
        f"Database: {database}. Machine: {os.cpu_count()} cores, load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} at the end (other work shares them: "
        "read the ratios against the baseline of the same run, not the absolute figures). "
        "Written by the script; run it again to replace this section.",
        "",
    ]
    for name, out, took in sections:
        lines += [f"### {name} ({took:.0f} s)", ""]
        body = [line.rstrip() for line in out.strip().splitlines()]
        # Markdown tables as they are; anything else as printed, in a code block.
        lines += body if any(line.startswith("|---") for line in body) else ["```", *body, "```"]
        lines.append("")
    lines.append(END)
    block = "\n".join(lines)
    text = RESULTS.read_text()
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a quick pass: does each one run")
    args = parser.parse_args()
    database = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    started = time.monotonic()
    sections = []
    for name, argv in SMOKE if args.smoke else FULL:
        out, took = run(name, argv)
        sections.append((name, out, took))
    if not args.smoke:
        write_results(sections, database)
        print(f"figures written to {RESULTS.relative_to(ROOT)}")
    print(f"all benchmarks ran in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
