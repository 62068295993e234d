"""Pages over HTTP: gunicorn (sync, 2 workers) and wrk -c32, logged in, against a bare Flask app.

    .venv/bin/python bench/pages.py [--seconds 5] [--runs 3] [--smoke]

SQLite in a temporary folder, or the database at BENCH_DATABASE_URL (emptied first). Three sets
of data, each for one person (``tests/support/volume.py``):

- 1 x: 3 circles of 8, a weekly meetup 12 weeks old in each, six months of 1:1s;
- old series: the same with meetups 120 weeks old (the meetup board and page must not replay them);
- 10 x: 30 circles of 8 (the person in 3 of them, as at 1 x: Today shows the same cards),
  meetups 120 weeks old, five years of 1:1s, ten times the notifications.

Each set has its own database and its own gunicorn (deploy/gunicorn.conf.py, 2 workers), all
serving at once beside a bare Flask "hello" under the same gunicorn settings. Each run measures
the bare app, then each page at every size one after the other (wrk -t2 -c32), so load from
elsewhere on the machine falls alike on the sizes compared; figures are medians of the runs, and
the ratio is the page's throughput over the bare app's. ``--smoke`` is one short run at 1 x (a
check that it works, not a measurement).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
import sqlalchemy as sa
import sqlalchemy.orm as so

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.http_load import BARE_APP, PASSWORD, wait, wrk  # noqa: E402
from circles.models.base import Base  # noqa: E402
from circles.services.accounts.passwords import Passwords  # noqa: E402
from tests.support.mailbox import free_port  # noqa: E402
from tests.support.volume import Built, Volume, populate  # noqa: E402

BIN = Path(sys.executable).parent
WORKERS = 2
SETS = {
    "1x": Volume(circles=3, series_weeks=12, log_weeks=26, notifications=20),
    "old series": Volume(circles=3, series_weeks=120, log_weeks=26, notifications=20),
    "10x": Volume(circles=30, series_weeks=120, log_weeks=260, notifications=200, member_of=3),
}


@dataclass
class Figure:
    data: str
    page: str
    rate: float  # requests a second, median of the runs
    p95_ms: float
    bare_rate: float  # the bare app in the same runs
    bare_p95_ms: float

    @property
    def ratio(self) -> float:
        return self.rate / self.bare_rate


def paths(built: Built) -> dict[str, str]:
    circle, series = built.circle_ids[0], built.series_ids[0]
    return {
        "Today": "/",
        "circle": f"/circles/{circle}",
        "meetup": f"/circles/{circle}/meetups/{series}/{built.next_key}",
        "My load": "/load",
        # The two-tap log: the lightest logged-in page (the user and two statements), as a
        # reference for what any logged-in page of this stack costs against the bare app.
        "Log": "/log",
    }


def fill(url: str, volume: Volume) -> Built:
    engine = sa.create_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    hashed = Passwords(time_cost=1, memory_cost=8192).hash(PASSWORD)
    with so.Session(engine) as session:
        built = populate(session, "me", volume, hashed)
        session.commit()
    engine.dispose()
    return built


@contextmanager
def gunicorn(
    app_module: str, env: dict[str, str], cwd: Path, app_root: Path = ROOT
) -> Iterator[str]:
    """gunicorn with deploy/'s settings (the bare app: the same worker class and keep-alive)."""
    from circles.webserver import KEEPALIVE_SECONDS

    port = free_port()
    settings = ["--config", str(app_root / "deploy" / "gunicorn.conf.py")]
    if app_module != "app:app":
        settings = ["--worker-class", "sync", "--keep-alive", str(KEEPALIVE_SECONDS)]
    argv = [str(BIN / "gunicorn"), *settings, "--workers", str(WORKERS)]
    argv += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", app_module]
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait(base + ("/offline" if app_module == "app:app" else "/"))
        yield base
    finally:
        process.terminate()  # graceful: gunicorn lets its workers finish (up to its timeout)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def login(base: str, email: str) -> str:
    browser = requests.Session()
    page = browser.get(base + "/login")
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    if found is None:
        raise SystemExit(f"no login form: {page.status_code} {page.text[:300]}")
    form = {"email": email, "password": PASSWORD, "csrf_token": found.group(1)}
    browser.post(base + "/login", data=form)
    if "Hello, Me" not in browser.get(base + "/").text:
        raise SystemExit("could not log in")
    return "; ".join(f"{c.name}={c.value}" for c in browser.cookies)


@contextmanager
def databases(names: list[str], database: str | None, folder: Path) -> Iterator[dict[str, str]]:
    """A database for each set: SQLite files, or on PostgreSQL the given one and siblings."""
    if database is None or not database.startswith("postgresql"):
        yield {name: f"sqlite:///{folder}/{n}.sqlite3" for n, name in enumerate(names)}
        return
    base = sa.make_url(database)
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    urls = {names[0]: database}
    made = []
    for n, name in enumerate(names[1:], 1):
        sibling = f"{base.database}_set{n}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{sibling}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{sibling}"')
        made.append(sibling)
        urls[name] = base.set(database=sibling).render_as_string(hide_password=False)
    try:
        yield urls
    finally:
        with admin.connect() as connection:
            for sibling in made:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{sibling}" WITH (FORCE)')
        admin.dispose()


def measure(
    sets: dict[str, Volume],
    seconds: int,
    runs: int,
    database: str | None,
    app_root: Path = ROOT,
) -> list[Figure]:
    """Every set served at once (one gunicorn each), measured in turn within each run.

    Each run measures the bare app, then each page at every size one after the other, so a
    moment of load from elsewhere on the machine falls on the sizes being compared alike.
    """
    folder = Path(tempfile.mkdtemp(prefix="circles-pages-bench-"))
    (folder / "bare_app.py").write_text(BARE_APP)
    env = dict(
        os.environ,
        SECRET_KEY="bench-" + "x" * 40,
        AUTH_RATE_LIMIT="1000 per minute",
        LOG_LEVEL="WARNING",
    )
    with ExitStack() as stack:
        urls = stack.enter_context(databases(list(sets), database, folder))
        bare = stack.enter_context(gunicorn("bare_app:app", env, folder))
        served: dict[str, tuple[str, str, dict[str, str]]] = {}
        for name, volume in sets.items():
            built = fill(urls[name], volume)
            app_env = dict(env, DATABASE_URL=urls[name])
            base = stack.enter_context(gunicorn("app:app", app_env, app_root, app_root))
            cookie = login(base, built.email)
            for path in paths(built).values():
                wrk(base + path, 1, cookie, folder)  # warm every worker
            served[name] = (base, cookie, paths(built))
        pages_of = list(next(iter(served.values()))[2])
        bare_runs: list[tuple[float, float]] = []
        page_runs: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
        names = list(served)
        for run in range(runs):
            bare_runs.append(wrk(bare + "/", seconds, None, folder))
            # Each run starts each page with another size. Order alone moved the p95 of a page
            # measured on two sizes back to back by up to 1.4 x (tried by swapping them).
            turn = run % len(names)
            for page in pages_of:
                for name in names[turn:] + names[:turn]:
                    base, cookie, where = served[name]
                    page_runs[(name, page)].append(wrk(base + where[page], seconds, cookie, folder))
        bare_rate = statistics.median(r for r, _ in bare_runs)
        bare_p95 = statistics.median(p for _, p in bare_runs)
    figures = []
    for name in sets:
        for page in pages_of:
            samples = page_runs[(name, page)]
            figures.append(
                Figure(
                    name,
                    page,
                    statistics.median(r for r, _ in samples),
                    statistics.median(p for _, p in samples),
                    bare_rate,
                    bare_p95,
                )
            )
            print(table_row(figures[-1]), flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    return figures


def table_row(f: Figure) -> str:
    return (
        f"| {f.data} | {f.page} | {f.rate:.0f} req/s, p95 {f.p95_ms:.0f} ms | "
        f"{f.bare_rate:.0f} req/s, p95 {f.bare_p95_ms:.0f} ms | {f.ratio:.3f} |"
    )


TABLE_HEAD = (
    "| data | page | page | bare Flask, same gunicorn, same runs | ratio |\n|---|---|---|---|---|"
)


def comparisons(figures: list[Figure]) -> list[str]:
    """Old series and 10 x against 1 x, page by page (ratios of p95 and of throughput)."""
    by = {(f.data, f.page): f for f in figures}
    lines = []
    for data in ("old series", "10x"):
        for page in ("Today", "circle", "meetup", "My load"):
            small, big = by.get(("1x", page)), by.get((data, page))
            if small and big:
                lines.append(
                    f"| {page} | {data} vs 1x | p95 {big.p95_ms / max(small.p95_ms, 1):.2f} x | "
                    f"throughput {big.rate / small.rate:.2f} x |"
                )
    return lines


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="one short run at 1 x")
    parser.add_argument(
        "--app-root",
        type=Path,
        default=ROOT,
        help="serve the app from another checkout (same schema), e.g. a commit before a change",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk (apt-get install wrk)")
    sets = {"1x": SETS["1x"]} if args.smoke else SETS
    seconds, runs = (1, 1) if args.smoke else (args.seconds, args.runs)
    database = os.environ.get("BENCH_DATABASE_URL")
    print(f"pages over HTTP: gunicorn sync -w {WORKERS}, wrk -t2 -c32 -d{seconds}s, {runs} runs")
    print(TABLE_HEAD)
    figures = measure(sets, seconds, runs, database, args.app_root.resolve())
    lines = comparisons(figures)
    if lines:
        print("\n| page | data | p95 | throughput |\n|---|---|---|---|")
        print("\n".join(lines))
    return figures


if __name__ == "__main__":
    main()
