"""The npm tools the tests run (ical.js, the Nu Html Checker), installed on first use."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.support.requirements import missing

JS = Path(__file__).resolve().parent / "js"


def node_modules() -> Path:
    """`tests/support/js/node_modules`, running `npm ci` once if it is not there yet."""
    modules = JS / "node_modules"
    if (modules / ".package-lock.json").exists():
        return modules
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        missing("Node.js and npm")
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=JS,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        missing(f"the npm packages of tests/support/js ({done.stderr.strip()[-300:]})")
    return modules
