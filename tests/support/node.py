"""The npm tools the tests run (ical.js, the Nu Html Checker, esbuild), installed on first use."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.support.requirements import missing

JS = Path(__file__).resolve().parent / "js"


def node_modules() -> Path:
    """`tests/support/js/node_modules`, running `npm ci` once if it is not there yet."""
    modules = JS / "node_modules"
    wanted = json.loads((JS / "package.json").read_text())["dependencies"]
    if all((modules / name / "package.json").exists() for name in wanted):
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


def check_html(pages: dict[str, str], folder: Path) -> list[str]:
    """Run the Nu Html Checker over `pages` (name -> HTML); its errors as "name:line: message"."""
    java = shutil.which("java")
    if java is None:
        missing("Java 17+ (for the Nu Html Checker)")
    jar = node_modules() / "vnu-jar" / "build" / "dist" / "vnu.jar"
    files = {}
    for name, body in pages.items():
        path = folder / f"{len(files):02d}-{re.sub(r'[^A-Za-z0-9]+', '_', name).strip('_')}.html"
        path.write_text(body)
        files[path.name] = name
    done = subprocess.run(
        [
            java,
            "-jar",
            str(jar),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *(str(folder / f) for f in files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(done.stderr or done.stdout)
    return [
        f"{files.get(Path(m.get('url', '?')).name, '?')}:{m.get('lastLine', '?')}: {m['message']}"
        f" [{' '.join(m.get('extract', '').split())[:120]}]"
        for m in report["messages"]
        if m["type"] != "info"  # "error", or "non-document-error" when a file could not be read
    ]


def ical_js_expand(ics: bytes, start: datetime, end: datetime) -> dict[str, Any]:
    """What Mozilla's ical.js makes of a calendar file: its occurrences in [start, end), its events.

    Occurrences come as dicts with `uid`, `start`, `end`, `recurrence_id` (aware UTC datetimes)
    and `status`; cancelled ones are left out, as a calendar app leaves them out.
    """
    node_modules()
    node = shutil.which("node")
    if node is None:
        missing("Node.js")
    done = subprocess.run(
        [node, str(JS / "expand.mjs"), start.isoformat(), end.isoformat()],
        input=ics,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    found: dict[str, Any] = json.loads(done.stdout)
    for item in found["occurrences"] + found["events"]:
        for name in ("start", "end", "recurrence_id"):
            if item.get(name):
                item[name] = datetime.fromisoformat(item[name]).astimezone(UTC)
    return found


def bundle_script(outfile: Path) -> bytes:
    """The site's script as `tests/support/js/bundle.mjs` builds it from static/js/src/ now."""
    node_modules()
    node = shutil.which("node")
    if node is None:
        missing("Node.js")
    done = subprocess.run(
        [node, str(JS / "bundle.mjs"), str(outfile)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return outfile.read_bytes()
