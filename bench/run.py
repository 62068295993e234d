"""Benchmarks with honest numbers, as ratios against a baseline measured in the same run.

Run: .venv/bin/python bench/run.py (SQLite in a temp folder; BENCH_DATABASE_URL for PostgreSQL)

1. The load dashboard aggregates in SQL: its cost should not grow with the length of the history.
   Baseline: a user with 8 weeks logged. Compared: 5 years logged (about 9 times the rows).
2. Upcoming meetups cost a bounded number of queries: baseline 1 circle, compared 40 circles
   (each with two series), per circle shown.
3. Delivery through the local push service: notifications delivered per second by the worker,
   against the baseline of bare HTTP POSTs of the same size to the same service (what encryption,
   VAPID signing and the outbox bookkeeping add).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from circles import create_app
from circles.extensions import db
from circles.models import Base, Circle, LoadEntry, PushSubscription, User
from circles.models.base import utcnow
from circles.services.circles import membership
from circles.services.circles import operations as circle_actions
from circles.services.load import log as load
from circles.services.meetups import operations as meetup_actions
from circles.services.meetups import series as meetups
from circles.services.meetups.board import board
from circles.services.meetups.recurrence import Repeat
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind
from circles.worker import deliver_due, make_sender
from tests.support.push_service import LocalPushService
from tests.support.queries import count_queries

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def timed(work: Callable[[], object], repeat: int = 30) -> float:
    """Median seconds of `repeat` runs after one warm-up."""
    work()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def user(name: str) -> User:
    person = User(
        email=f"{name}@bench.test",
        display_name=name,
        password_hash="not-a-login",  # noqa: S106 - benchmark rows never log in
        time_zone="Europe/London",
        email_confirmed_at=NOW,
    )
    db.session.add(person)
    db.session.flush()
    return person


def history(person: User, days: int) -> None:
    db.session.add_all(
        LoadEntry(
            user_id=person.id,
            client_id=f"{person.id}-{n}-{k}",
            local_date=NOW.date() - timedelta(days=n),
            intensity=1 + n % 5,
            logged_at=NOW,
        )
        for n in range(days)
        for k in range(2)
    )
    db.session.flush()


def bench_dashboard() -> str:
    short, long = user("short"), user("long")
    history(short, 7 * 8)
    history(long, 365 * 5)
    db.session.commit()
    base = timed(lambda: load.dashboard(db.session, short, NOW))
    big = timed(lambda: load.dashboard(db.session, long, NOW))
    with count_queries(db.engine) as q:
        load.dashboard(db.session, long, NOW)
    return (
        f"dashboard: 8 weeks {base * 1000:.2f} ms, 5 years {big * 1000:.2f} ms, "
        f"ratio {big / base:.2f} (rows x{365 * 5 / 56:.0f}); "
        f"{len([s for s in q if s.startswith('SELECT')])} SELECT"
    )


def circle_with_meetups(host: User, n: int) -> Circle:
    circle = circle_actions.create_circle(
        db.session, host, name=f"c{n}", purpose="", time_zone="Europe/London", agreement="a"
    )
    for k in range(5):
        membership.add_member(db.session, circle.id, user(f"m{n}x{k}"), NOW)
    for repeat in (Repeat.WEEKLY, Repeat.BIWEEKLY):
        meetup_actions.schedule_series(
            db.session,
            circle,
            host,
            meetups.Plan(
                start_date=date(2026, 1, 6),
                start_time=clock(19),
                duration_minutes=90,
                repeat=repeat,
                rotate_facilitator=True,
            ),
        )
    return circle


def bench_upcoming() -> str:
    host = user("host")
    ids = [circle_with_meetups(host, n).id for n in range(40)]
    db.session.commit()
    one = timed(lambda: board(db.session, meetups.upcoming(db.session, ids[:1], NOW), host))
    many = timed(lambda: board(db.session, meetups.upcoming(db.session, ids, NOW), host), repeat=10)
    with count_queries(db.engine) as few:
        board(db.session, meetups.upcoming(db.session, ids[:1], NOW), host)
    with count_queries(db.engine) as lots:
        board(db.session, meetups.upcoming(db.session, ids, NOW), host)
    return (
        f"upcoming+board: 1 circle {one * 1000:.2f} ms ({len(few)} queries), 40 circles "
        f"{many * 1000:.2f} ms ({len(lots)} queries); per circle ratio {many / 40 / one:.2f}"
    )


def bench_delivery(app) -> str:
    with LocalPushService() as service:
        people = [user(f"p{n}") for n in range(20)]
        for person in people:
            sub = service.new_subscription()
            db.session.add(
                PushSubscription(
                    user_id=person.id,
                    endpoint=sub["endpoint"],
                    p256dh=sub["keys"]["p256dh"],
                    auth=sub["keys"]["auth"],
                )
            )
        db.session.commit()
        count = 200
        for n in range(count):
            outbox.enqueue(
                db.session,
                people[n % 20],
                Kind.meetup_hour,
                f"bench-{n}",
                NOW,
                url="/",
                tag="bench",
                respect_quiet_hours=False,
            )
        db.session.commit()
        target = service.new_subscription()
        flat = {"endpoint": target["endpoint"], **target["keys"]}
        payload = (
            b'{"title":"Circles","body":"Your circle meets in an hour","url":"/","tag":"bench"}'
        )
        with make_sender(app) as sender:
            start = time.perf_counter()
            for _ in range(count):
                sender.send(flat, payload, ttl=3600, urgency="high", topic="bench")
            bare = time.perf_counter() - start
        service.clear()
        with make_sender(app) as sender:
            start = time.perf_counter()
            tally = deliver_due(sender, now=lambda: NOW)
            worker = time.perf_counter() - start
        assert tally.delivered == count, tally
    return (
        f"delivery: {count / worker:.0f} notifications/s through the worker (outbox claim, send, "
        f"record) vs {count / bare:.0f}/s sending alone (encrypt, sign, POST); "
        f"ratio {worker / bare:.2f}"
    )


def main() -> None:
    folder = tempfile.mkdtemp(prefix="circles-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "PUSH_ALLOW_HTTP_LOCALHOST": True,
            "VAPID_SUBJECT": "mailto:bench@circles.test",
        }
    )
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        print(f"database: {db.engine.dialect.name}")
        for line in (bench_dashboard(), bench_upcoming(), bench_delivery(app)):
            print(line)
        if os.environ.get("BENCH_DATABASE_URL"):
            Base.metadata.drop_all(db.engine)
    assert utcnow()


if __name__ == "__main__":
    main()
