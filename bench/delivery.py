"""Push delivery through the worker against the bare `PushSender.send` loop, with the receiver
(tests/support/push_service.py) in its own process, in the same run.

Run: .venv/bin/python bench/delivery.py (SQLite in a temp folder; BENCH_DATABASE_URL for
PostgreSQL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/circles_bench, which it empties).

- bare: `PushSender.send` in a loop, one POST after another (encrypt, VAPID-sign, POST);
- worker, 1 at a time: `deliver_due` with PUSH_CONCURRENCY=1 (claim, prepare, send, record
  per batch of 50, four commits per batch);
- worker, 8 at a time: the default PUSH_CONCURRENCY;
- on PostgreSQL, 2 worker processes, 8 at a time each, sharing the queue through row locks.
Each figure is the median of 3 rounds of 1,000 notifications to 50 devices (another count as
the argument, e.g. `bench/delivery.py 20` for a smoke run).
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from circles import create_app
from circles.extensions import db
from circles.models import Base, Notification, PushSubscription, User
from circles.push.outcomes import Outcome
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind
from circles.worker import deliver_due, make_sender
from tests.support.push_service import LocalPushService

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
DEVICES = 50
ROUNDS = 3
PAYLOAD = b'{"title":"Circles","body":"Your circle meets in an hour","url":"/","tag":"bench"}'


def receiver(pipe: Connection) -> None:
    """The push service in its own process: hands out subscriptions, counts what arrives."""
    with LocalPushService() as service:
        pipe.send([service.new_subscription() for _ in range(DEVICES)])
        while (message := pipe.recv()) != "stop":
            if message == "count":
                pipe.send(len(service.deliveries()))
                service.clear()


def queue(people: list[User], start: int) -> None:
    rows = [
        outbox.row(
            people[n % DEVICES],
            Kind.load_checkin,
            f"bench-{start + n}",
            datetime.now(UTC),
            url="/",
            tag="bench",
            respect_quiet_hours=False,
        )
        for n in range(COUNT)
    ]
    outbox.store(db.session, rows)
    db.session.commit()


def bench_app(url: str) -> Flask:
    # Every process of this app reads the same VAPID keys from the instance folder.
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "PUSH_ALLOW_HTTP_LOCALHOST": True,
            "VAPID_SUBJECT": "mailto:bench@circles.test",
        }
    )


def worker_process(url: str, ready: Any, delivered: Any) -> None:
    """One more worker, in its own process, as a deployment would run it."""
    app = bench_app(url)
    with app.app_context(), make_sender(app) as sender:
        ready.wait()  # all set up: the clock starts when every worker is here
        tally = deliver_due(sender)
        with delivered.get_lock():
            delivered.value += tally.delivered


def two_workers(url: str) -> float:
    """Notifications per second with 2 worker processes sharing the queue (PostgreSQL)."""
    ready, delivered = multiprocessing.Barrier(3), multiprocessing.Value("i", 0)
    workers = [
        multiprocessing.Process(target=worker_process, args=(url, ready, delivered))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    ready.wait(timeout=60)
    start = time.perf_counter()
    for worker in workers:
        worker.join(timeout=300)
    assert delivered.value == COUNT, delivered.value
    return COUNT / (time.perf_counter() - start)


def main() -> None:
    folder = tempfile.mkdtemp(prefix="circles-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    app = bench_app(url)
    ours, theirs = multiprocessing.Pipe()
    service = multiprocessing.Process(target=receiver, args=(theirs,), daemon=True)
    service.start()
    subscriptions: list[dict[str, Any]] = ours.recv()

    def arrived() -> int:
        ours.send("count")
        return int(ours.recv())

    with app.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        people = []
        for n, sub in enumerate(subscriptions):
            person = User(
                email=f"p{n}@bench.test",
                display_name=f"p{n}",
                password_hash="not-a-login",  # noqa: S106 - benchmark rows never log in
                time_zone="UTC",
            )
            db.session.add(person)
            db.session.flush()
            db.session.add(
                PushSubscription(
                    user_id=person.id,
                    endpoint=sub["endpoint"],
                    p256dh=sub["keys"]["p256dh"],
                    auth=sub["keys"]["auth"],
                )
            )
            people.append(person)
        db.session.commit()
        rates: dict[str, list[float]] = {"bare": [], "worker, 1 at a time": []}
        rates["worker, 8 at a time"] = []
        queued = 0
        for _ in range(ROUNDS):
            with make_sender(app) as sender:
                flat = [{"endpoint": s["endpoint"], **s["keys"]} for s in subscriptions]
                start = time.perf_counter()
                results = [
                    sender.send(flat[n % DEVICES], PAYLOAD, ttl=3600, urgency="high", topic="b")
                    for n in range(COUNT)
                ]
                rates["bare"].append(COUNT / (time.perf_counter() - start))
            failed = [r for r in results if r.outcome is not Outcome.delivered]
            assert not failed, failed[:3]
            assert arrived() == COUNT
            for name, concurrency in (("worker, 1 at a time", 1), ("worker, 8 at a time", 8)):
                queue(people, queued)
                queued += COUNT
                with make_sender(app) as sender:
                    start = time.perf_counter()
                    tally = deliver_due(sender, concurrency=concurrency)
                    rates[name].append(COUNT / (time.perf_counter() - start))
                assert tally.delivered == COUNT, tally
                assert arrived() == COUNT
            if db.engine.dialect.name == "postgresql":  # several workers need row locks
                queue(people, queued)
                queued += COUNT
                rates.setdefault("2 worker processes, 8 at a time", []).append(two_workers(url))
                assert arrived() == COUNT
        sent = db.session.scalar(sa.select(sa.func.count()).where(Notification.status == "sent"))
        assert sent == queued
        bare = statistics.median(rates["bare"])
        print(f"push delivery on {db.engine.dialect.name}, {datetime.now(UTC):%Y-%m-%d}")
        print("what | notifications/s | x bare loop")
        for name, found in rates.items():
            rate = statistics.median(found)
            print(f"{name} | {rate:.0f} | {rate / bare:.2f}")
        db.session.remove()  # end the session's transaction before dropping its tables
        Base.metadata.drop_all(db.engine)
    ours.send("stop")
    service.join(timeout=10)


if __name__ == "__main__":
    main()
