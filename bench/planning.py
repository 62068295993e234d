"""The worker's planning pass at 1, 100 and 1,000 circles of 5 active people, against an empty
database in the same run.

Run: .venv/bin/python bench/planning.py (SQLite in a temp folder; BENCH_DATABASE_URL for
PostgreSQL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/circles_bench, which it empties).
Add sizes as arguments (e.g. `bench/planning.py 1 100 1000 10000`).

Each circle has 5 members who logged 1:1s this week and a weekly meetup (on a day that depends
on the circle); people live in a mix of time zones. Three passes are measured:

- quiet: the pass every 30 s when nothing changed (the common case: O(1) statements);
- day turn: the pass at which everyone's local day has turned, so everyone's load is looked at
  (the worst pass of the day: a few grouped statements per 500 people);
- first: the first pass over a database nobody planned yet (every reminder in the horizon).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from circles import create_app
from circles.extensions import db
from circles.models import Base, Circle, LoadEntry, MeetupSeries, Membership, User
from circles.services.meetups import recurrence
from circles.services.meetups.recurrence import Repeat
from circles.worker import plan
from tests.support.queries import count_queries

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
ZONES = ("Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "UTC")


def measured(work: Callable[[], object]) -> tuple[float, int]:
    """Seconds and statements of one run."""
    with count_queries(db.engine) as statements:
        start = time.perf_counter()
        work()
        seconds = time.perf_counter() - start
    return seconds, len(statements)


def median_of(runs: list[tuple[float, int]]) -> tuple[float, int]:
    return statistics.median(s for s, _ in runs), max(n for _, n in runs)


def populate(circles: int) -> None:
    """Circles of 5 people, each with a week of 1:1s and a weekly meetup (bulk inserts)."""
    users = [
        {
            "email": f"u{n}@bench.test",
            "display_name": f"u{n}",
            "password_hash": "not-a-login",
            "time_zone": ZONES[n % len(ZONES)],
            "email_confirmed_at": NOW,
            "reminders_off": "",
            "session_version": 1,
            "calendar_version": 1,
            "created_at": NOW,
            # They logged this week, so their next look is at their next local midnight.
            "load_check_at": NOW + timedelta(hours=1 + n % 23),
        }
        for n in range(circles * 5)
    ]
    db.session.execute(sa.insert(User), users)
    ids = list(db.session.scalars(sa.select(User.id).order_by(User.id)))
    db.session.execute(
        sa.insert(Circle),
        [
            {
                "name": f"c{c}",
                "purpose": "",
                "agreement": "a",
                "time_zone": ZONES[c % len(ZONES)],
                "member_cap": 8,
                "member_count": 5,
                "created_by_id": ids[c * 5],
                "created_at": NOW,
                "rotate_prompts": False,
                "buddies_on": False,
                "buddy_period_days": 14,
            }
            for c in range(circles)
        ],
    )
    circle_ids = list(db.session.scalars(sa.select(Circle.id).order_by(Circle.id)))
    db.session.execute(
        sa.insert(Membership),
        [
            {
                "circle_id": circle_ids[c],
                "user_id": ids[c * 5 + k],
                "role": "host" if k == 0 else "member",
                "agreed_at": NOW,
                "joined_at": NOW,
            }
            for c in range(circles)
            for k in range(5)
        ],
    )
    series = []
    for c, circle_id in enumerate(circle_ids):
        zone = ZONES[c % len(ZONES)]
        start = (NOW - timedelta(weeks=26) + timedelta(days=c % 7)).astimezone()
        start_local = datetime.combine(start.date(), clock(19))
        series.append(
            {
                "circle_id": circle_id,
                "start_date": start.date(),
                "start_time": clock(19),
                "duration_minutes": 90,
                "time_zone": zone,
                "repeat": Repeat.WEEKLY.value,
                "rrule": recurrence.rrule_text(Repeat.WEEKLY, start_local, None, zone=zone),
                "place": "",
                "video_url": "",
                "rotate_facilitator": True,
                "created_by_id": ids[c * 5],
                "created_at": NOW,
            }
        )
    db.session.execute(sa.insert(MeetupSeries), series)
    db.session.execute(
        sa.insert(LoadEntry),
        [
            {
                "user_id": user_id,
                "client_id": f"{user_id}-{d}",
                "local_date": (NOW - timedelta(days=d)).date(),
                "intensity": 1 + (user_id + d) % 5,
                "logged_at": NOW,
                "tags": "",
            }
            for user_id in ids
            for d in range(0, 7, 2)
        ],
    )
    db.session.commit()


def bench_size(circles: int) -> dict[str, tuple[float, int]]:
    db.session.remove()
    Base.metadata.drop_all(db.engine)
    Base.metadata.create_all(db.engine)
    empty = median_of([measured(lambda: plan(NOW)) for _ in range(5)])
    db.session.remove()
    Base.metadata.drop_all(db.engine)  # and forget how far that pass looked
    Base.metadata.create_all(db.engine)
    populate(circles)
    first = measured(lambda: plan(NOW + timedelta(seconds=1)))
    quiet = median_of(
        [measured(lambda k=k: plan(NOW + timedelta(seconds=30 * k))) for k in range(1, 8)]
    )
    turns = []
    for k in range(3):
        db.session.execute(sa.update(User).values(load_check_at=NOW))  # everyone's midnight
        db.session.commit()
        turns.append(measured(lambda k=k: plan(NOW + timedelta(minutes=5, seconds=k))))
    return {"empty": empty, "first": first, "quiet": quiet, "day turn": median_of(turns)}


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [1, 100, 1000]
    folder = tempfile.mkdtemp(prefix="circles-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        print(f"planning pass on {db.engine.dialect.name}, {NOW:%Y-%m-%d}")
        print("circles | pass | seconds | statements | x empty database")
        for circles in sizes:
            found = bench_size(circles)
            base = found["empty"][0]
            for name, (seconds, statements) in found.items():
                print(f"{circles} | {name} | {seconds:.4f} | {statements} | {seconds / base:.1f}")
        db.session.remove()
        Base.metadata.drop_all(db.engine)


if __name__ == "__main__":
    main()
