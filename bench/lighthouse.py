"""A Lighthouse mobile run of Today, logged in, through Caddy as deployed.

    .venv/bin/python bench/lighthouse.py

The app runs under gunicorn (deploy/gunicorn.conf.py, 2 workers) on SQLite with the 1 x data of
bench/pages.py and a heavy week (Today shows the nudge card), behind Caddy with
deploy/circles-site.caddy. Lighthouse (npm; ``LIGHTHOUSE`` names its binary, otherwise
``npx --yes lighthouse@13.5.0``) drives Chromium (``CHROME_PATH``, default /usr/bin/chromium)
with its default mobile settings (emulated phone, throttled network and CPU) and the session
cookie. Prints the scores and the figures Lighthouse reports.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import page_weight  # noqa: E402
import pages  # noqa: E402

from tests.support.volume import Volume  # noqa: E402

AUDITS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "cumulative-layout-shift",
    "total-blocking-time",
    "speed-index",
    "total-byte-weight",
)


def lighthouse_command() -> list[str]:
    found = os.environ.get("LIGHTHOUSE")
    return shlex.split(found) if found else ["npx", "--yes", "lighthouse@13.5.0"]


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="circles-lighthouse-"))
    url = f"sqlite:///{folder}/lighthouse.sqlite3"
    built = pages.fill(url, Volume(heavy_week=True))
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-" + "x" * 40)
    env["AUTH_RATE_LIMIT"] = "1000 per minute"
    front = pages.free_port()
    with pages.gunicorn("app:app", env, ROOT) as base:
        app_port = int(base.rsplit(":", 1)[1])
        with page_weight.caddy_in_front(app_port, front):
            site = f"http://127.0.0.1:{front}"
            cookie = pages.login(site, built.email)
            report = folder / "report.json"
            argv = [
                *lighthouse_command(),
                site + "/",
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                "--only-categories=performance,accessibility,best-practices",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                "--extra-headers",
                json.dumps({"Cookie": cookie}),
            ]
            chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
            done = subprocess.run(
                argv, env=dict(os.environ, CHROME_PATH=chrome), capture_output=True, text=True
            )
            if done.returncode != 0:
                raise SystemExit(f"lighthouse failed: {done.stderr[-2000:]}")
    found = json.loads(report.read_text())
    print(
        f"Lighthouse {found['lighthouseVersion']}, {found['configSettings']['formFactor']}, "
        f"Today ({found['finalDisplayedUrl'].rsplit('/', 1)[0]}/ through Caddy), logged in"
    )
    scores = ", ".join(f"{k} {v['score'] * 100:.0f}" for k, v in found["categories"].items())
    print(f"scores: {scores}")
    print("| audit | value |\n|---|---|")
    for name in AUDITS:
        audit = found["audits"].get(name)
        if audit:
            print(f"| {name} | {audit.get('displayValue', '')} ({audit['numericValue']:.3f}) |")


if __name__ == "__main__":
    main()
