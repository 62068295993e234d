"""Several machines: two web nodes and two workers on one PostgreSQL and Redis, behind Caddy.

Each node is `flask circles serve` (gunicorn and a worker) on its own port, sharing the database,
the secret key and Redis for rate limits; Caddy balances between them. A login on one is valid on
the other, the rate limit counts across both, and 500 reminders due at once arrive exactly once.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import redis
import requests
import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models import PushSubscription, User
from circles.models.base import utcnow
from circles.services.accounts.passwords import Passwords
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind
from tests.support.console import Console, free_port
from tests.support.databases import fresh_database
from tests.support.polling import poll
from tests.support.push_service import LocalPushService
from tests.support.requirements import missing

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")
PASSWORD = "two nodes share one database"
REMINDERS = 500
PEOPLE = 50
REDIS_DB = 7  # a Redis database of its own, emptied before and after


@pytest.fixture(scope="module")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = (
        os.environ.get("TEST_DATABASE_URL")
        or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    if not base.startswith("postgresql"):
        base = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    probe = sa.create_engine(base)
    try:
        with probe.connect():
            pass
    except sa.exc.OperationalError:
        missing("PostgreSQL at 127.0.0.1:5432")
    finally:
        probe.dispose()
    with fresh_database(base, tmp_path_factory.mktemp("nodes")) as url:
        yield url


def _empty_redis() -> None:
    with redis.Redis(host="127.0.0.1", db=REDIS_DB) as store:
        store.flushdb()


@pytest.fixture(scope="module")
def nodes(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Two nodes (web + worker each) and Caddy in front; yields the three base URLs."""
    if shutil.which("caddy") is None:
        missing("caddy (apt-get install caddy)")
    try:
        _empty_redis()
    except redis.RedisError:
        missing("Redis at 127.0.0.1:6379")
    folder = tmp_path_factory.mktemp("two-nodes")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "DATABASE_URL": postgres_url,
        "SECRET_KEY": "one secret for every node " + "x" * 20,
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "AUTH_RATE_LIMIT": "10 per minute",
        "WORKER_INTERVAL_SECONDS": "0.3",
        "PUSH_ALLOW_HTTP_LOCALHOST": "1",
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run([FLASK, "--app", "app", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    ports = [free_port(), free_port()]
    front = free_port()
    caddyfile = folder / "Caddyfile"
    caddyfile.write_text(
        "{\n\tadmin off\n\tauto_https off\n}\n"
        f"http://127.0.0.1:{front} {{\n"
        f"\treverse_proxy 127.0.0.1:{ports[0]} 127.0.0.1:{ports[1]} {{\n"
        "\t\tlb_policy round_robin\n\t}\n}\n"
    )
    with ExitStack() as stack:
        for port in ports:
            node = stack.enter_context(
                Console(
                    [
                        FLASK,
                        "--app",
                        "app",
                        "circles",
                        "serve",
                        "--port",
                        str(port),
                        "--workers",
                        "2",
                    ],
                    cwd=ROOT,
                    env=env,
                )
            )
            node.wait_for(f"Circles ready at http://127.0.0.1:{port}", timeout=120)
        caddy = stack.enter_context(
            Console(
                ["caddy", "run", "--adapter", "caddyfile", "--config", str(caddyfile)], cwd=folder
            )
        )
        caddy.wait_for("serving initial configuration", timeout=90)  # Caddy's ready line
        yield {
            "a": f"http://127.0.0.1:{ports[0]}",
            "b": f"http://127.0.0.1:{ports[1]}",
            "front": f"http://127.0.0.1:{front}",
            "database": postgres_url,
        }
    _empty_redis()


def _token(session: requests.Session, url: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', session.get(url, timeout=30).text)
    assert found, "the form carries a CSRF token"
    return found.group(1)


def _people(database: str, count: int, push: LocalPushService | None = None) -> list[User]:
    engine = sa.create_engine(database)
    hashed = Passwords(time_cost=1, memory_cost=8192).hash(PASSWORD)
    made = []
    with so.Session(engine, expire_on_commit=False) as session:
        for n in range(count):
            person = User(
                email=f"node-{time.monotonic_ns()}-{n}@example.com",
                display_name=f"Person {n}",
                password_hash=hashed,
                time_zone="UTC",
                email_confirmed_at=utcnow(),
            )
            session.add(person)
            session.flush()
            if push is not None:
                device = push.new_subscription()
                session.add(
                    PushSubscription(
                        user_id=person.id,
                        endpoint=device["endpoint"],
                        p256dh=device["keys"]["p256dh"],
                        auth=device["keys"]["auth"],
                        device="Phone",
                    )
                )
            made.append(person)
        session.commit()
    engine.dispose()
    return made


def _wait_until_settled(database: str) -> None:
    """Until no test reminder is left pending or leased: both workers are done with them."""
    engine = sa.create_engine(database)

    def settled() -> bool:
        with engine.connect() as connection:
            return (
                connection.scalar(
                    sa.text(
                        "SELECT count(*) FROM notification "
                        "WHERE dedupe_key LIKE 'two-nodes:%' AND status <> 'sent'"
                    )
                )
                == 0
            )

    try:
        poll(settled, "every reminder to be sent", timeout=120)
    finally:
        engine.dispose()


def test_a_login_on_one_node_is_valid_on_the_other(nodes: dict[str, str]) -> None:
    (person,) = _people(nodes["database"], 1)
    browser = requests.Session()
    token = _token(browser, f"{nodes['a']}/login")
    answer = browser.post(
        f"{nodes['a']}/login",
        data={"email": person.email, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302
    on_b = browser.get(f"{nodes['b']}/me", allow_redirects=False, timeout=30)
    assert on_b.status_code == 200 and person.email in on_b.text
    through_caddy = [browser.get(f"{nodes['front']}/me", timeout=30) for _ in range(4)]
    assert all(page.status_code == 200 and person.email in page.text for page in through_caddy)


def test_the_login_rate_limit_counts_across_both_nodes(nodes: dict[str, str]) -> None:
    (person,) = _people(nodes["database"], 1)
    statuses = []
    for attempt in range(14):
        node = nodes["a"] if attempt % 2 == 0 else nodes["b"]
        browser = requests.Session()
        token = _token(browser, f"{node}/login")
        answer = browser.post(
            f"{node}/login",
            data={"email": person.email, "password": "not it", "csrf_token": token},
            allow_redirects=False,
            timeout=30,
        )
        statuses.append(answer.status_code)
    # 10 a minute from this address in all (the login above counted too); with memory storage
    # each of the four gunicorn processes would have let 10 through.
    assert statuses.count(400) <= 10 and statuses[-4:] == [429] * 4, statuses
    assert 429 in statuses[0::2] and 429 in statuses[1::2]  # refused by both nodes


def test_500_reminders_due_at_once_arrive_exactly_once(nodes: dict[str, str]) -> None:
    with LocalPushService() as push:
        people = _people(nodes["database"], PEOPLE, push)
        engine = sa.create_engine(nodes["database"])
        with so.Session(engine) as session:
            for n in range(REMINDERS):
                person = session.get(User, people[n % PEOPLE].id)
                assert person is not None
                outbox.enqueue(
                    session,
                    person,
                    Kind.load_checkin,
                    f"two-nodes:{n}",
                    utcnow(),
                    url="/load",
                    tag=f"n{n}",
                    respect_quiet_hours=False,
                )
            session.commit()
        engine.dispose()
        push.wait_for(REMINDERS, timeout=240)
        _wait_until_settled(nodes["database"])
        arrived = push.wait_for(REMINDERS, timeout=1)  # everything that came, repeats included
        tags = Counter(delivery.json["tag"] for delivery in arrived)
        assert len(tags) == REMINDERS and max(tags.values()) == 1
