"""What the HTTP benchmarks share: the bare app they compare with, wrk with a p95, a ready wait."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import requests

PASSWORD = "benchmarks are not people"
P95_LUA = (
    "done = function(s, latency, r) "
    'io.write(string.format("P95 %d\\n", latency:percentile(95))) end\n'
)
BARE_APP = (
    "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
    '@app.get("/")\ndef hello():\n    return "hello"\n'
)


def wrk(url: str, seconds: int, cookie: str | None, folder: Path) -> tuple[float, float]:
    """Requests per second and the 95th percentile latency (s) at 32 connections."""
    script = folder / "p95.lua"
    script.write_text(P95_LUA)
    argv = ["wrk", "-t2", "-c32", f"-d{seconds}s", "-s", str(script), url]
    if cookie:
        argv[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p95 = re.search(r"P95 (\d+)", out)
    if rate is None or p95 is None:
        raise SystemExit(f"wrk said: {out}")
    if "Non-2xx" in out:
        raise SystemExit(f"{url} answered with errors: {out}")
    return float(rate.group(1)), int(p95.group(1)) / 1000


def wait(url: str) -> None:
    """Until the URL answers (a proxy says 502 until its upstream is up), for a minute at most."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)  # the poll's interval, inside the deadline
    raise SystemExit(f"{url} never answered")
