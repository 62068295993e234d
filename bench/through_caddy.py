"""Pages through Caddy, 4 gunicorn workers on PostgreSQL, against a bare Flask app in the same run.

    .venv/bin/python bench/through_caddy.py [--circles 10,100,1000] [--seconds 10]

For each size it fills a fresh PostgreSQL database with that many circles of 8 members (each with
a fortnightly meetup and six months of 1:1s for the person measured), starts gunicorn
(deploy/gunicorn.conf.py, 4 workers) behind Caddy (plain http on 127.0.0.1), and runs wrk with 32
connections for Today, logged in. The bare app is a Flask "hello" under the same gunicorn and Caddy.
Prints throughput and p95 for each; copy the figures into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

import requests
import sqlalchemy as sa
import sqlalchemy.orm as so

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.http_load import BARE_APP, PASSWORD, wait, wrk  # noqa: E402
from circles.models.base import Base, utcnow  # noqa: E402
from circles.models.load import LoadEntry  # noqa: E402
from circles.models.user import User  # noqa: E402
from circles.services.accounts.passwords import Passwords  # noqa: E402
from circles.services.circles import membership  # noqa: E402
from circles.services.circles import operations as circle_actions  # noqa: E402
from circles.services.meetups import operations as meetup_actions  # noqa: E402
from circles.services.meetups import series as meetups  # noqa: E402
from circles.services.meetups.recurrence import Repeat  # noqa: E402
from tests.support.mailbox import free_port  # noqa: E402

ADMIN_URL = os.environ.get(
    "BENCH_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
FLASK_BIN = Path(sys.executable).parent


def fill(url: str, circles: int) -> str:
    """The database for one size; returns the email of the person measured."""
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    hashed = Passwords(time_cost=1, memory_cost=8192).hash(PASSWORD)
    with so.Session(engine) as session:
        me = User(
            email="me@bench.test",
            display_name="Me",
            password_hash=hashed,
            time_zone="Europe/London",
            email_confirmed_at=utcnow(),
        )
        session.add(me)
        session.flush()
        for n in range(circles):
            host = (
                me
                if n < 3
                else User(
                    email=f"h{n}@bench.test",
                    display_name=f"H{n}",
                    password_hash=hashed,
                    time_zone="Europe/London",
                    email_confirmed_at=utcnow(),
                )
            )
            session.add(host)
            session.flush()
            circle = circle_actions.create_circle(
                session,
                host,
                name=f"Circle {n}",
                purpose="",
                time_zone="Europe/London",
                agreement="a",
            )
            for k in range(7):
                member = User(
                    email=f"m{n}-{k}@bench.test",
                    display_name=f"M{n}.{k}",
                    password_hash=hashed,
                    time_zone="Europe/London",
                    email_confirmed_at=utcnow(),
                )
                session.add(member)
                session.flush()
                membership.add_member(session, circle.id, member, utcnow())
            plan = meetups.Plan(
                start_date=date.today() + timedelta(days=1),
                start_time=clock(19),
                duration_minutes=90,
                repeat=Repeat.BIWEEKLY,
                rotate_facilitator=True,
            )
            meetup_actions.schedule_series(session, circle, host, plan)
            if n % 200 == 199:
                session.commit()
        for days in range(0, 180, 2):
            session.add(
                LoadEntry(
                    user_id=me.id,
                    client_id=f"b{days:05d}",
                    local_date=date.today() - timedelta(days=days),
                    intensity=3,
                    logged_at=utcnow(),
                )
            )
        session.commit()
    engine.dispose()
    return "me@bench.test"


def serve(app_module: str, env: dict[str, str], port: int, cwd: Path) -> subprocess.Popen[bytes]:
    """gunicorn with deploy/'s settings; the bare app takes the same ones without the app's hook."""
    from circles.webserver import KEEPALIVE_SECONDS

    settings = ["--config", str(ROOT / "deploy" / "gunicorn.conf.py")]
    if app_module != "app:app":
        settings = ["--worker-class", "sync", "--keep-alive", str(KEEPALIVE_SECONDS)]
    argv = [
        str(FLASK_BIN / "gunicorn"),
        *settings,
        "--workers",
        "4",
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "/dev/null",
        app_module,
    ]
    return subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def caddy(upstream: int, front: int, folder: Path) -> subprocess.Popen[bytes]:
    config = folder / f"Caddyfile-{front}"
    config.write_text(
        "{\n\tadmin off\n\tauto_https off\n}\n"
        f"http://127.0.0.1:{front} {{\n\tencode gzip\n\treverse_proxy 127.0.0.1:{upstream}\n}}\n"
    )
    return subprocess.Popen(
        ["caddy", "run", "--adapter", "caddyfile", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def measure(circles: int, seconds: int, folder: Path) -> str:
    name = f"circles_bench_{secrets.token_hex(3)}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        email = fill(url, circles)
        env = dict(
            os.environ,
            DATABASE_URL=url,
            SECRET_KEY="bench-" + "x" * 40,
            PROXY_HOPS="1",
            AUTH_RATE_LIMIT="1000 per minute",
        )
        app_port, bare_port, app_front, bare_front = (free_port() for _ in range(4))
        (folder / "bare_app.py").write_text(BARE_APP)
        processes += [
            serve("app:app", env, app_port, ROOT),
            serve("bare_app:app", env, bare_port, folder),
        ]
        processes += [caddy(app_port, app_front, folder), caddy(bare_port, bare_front, folder)]
        front = f"http://127.0.0.1:{app_front}"
        wait(front + "/offline")
        wait(f"http://127.0.0.1:{bare_front}/")
        browser = requests.Session()
        login_page = browser.get(front + "/login")
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page.text)
        if found is None:
            raise SystemExit(f"no login form: {login_page.status_code} {login_page.text[:300]}")
        token = found.group(1)
        browser.post(
            front + "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
        )
        cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
        assert "Hello, Me." in browser.get(front + "/").text, "logged in for the benchmark"
        bare_rate, bare_p95 = wrk(f"http://127.0.0.1:{bare_front}/", seconds, None, folder)
        rate, p95 = wrk(front + "/", seconds, cookie, folder)
        return (
            f"| {circles} circles (me in 3 of them) | Today {rate:.0f} req/s, p95 {p95:.0f} ms | "
            f"bare {bare_rate:.0f} req/s, p95 {bare_p95:.0f} ms | {rate / bare_rate:.2f} |"
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--circles", default="10,100,1000")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("wrk") is None or shutil.which("caddy") is None:
        raise SystemExit("needs wrk and caddy (apt-get install wrk caddy)")
    folder = Path(tempfile.mkdtemp(prefix="circles-caddy-bench-"))
    print(
        f"{date.today()}, 4 gunicorn workers behind Caddy, PostgreSQL, wrk -c32 -d{args.seconds}s"
    )
    print("| data | Circles | bare Flask, same stack | ratio |")
    for size in (int(n) for n in args.circles.split(",")):
        print(measure(size, args.seconds, folder), flush=True)


if __name__ == "__main__":
    main()
