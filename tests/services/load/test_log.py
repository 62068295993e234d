"""The load log with the database: idempotent entries, local days, bounded queries, nudges."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from circles.extensions import db
from circles.models import LoadEntry, Notification, User
from circles.services.load import log as load
from circles.services.load import operations as load_actions
from tests.support.queries import count_queries


@pytest.fixture
def user(make_user, ctx) -> User:
    return db.session.get(User, make_user(time_zone="Pacific/Auckland").id)


NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)  # 21:00 in Auckland


def test_the_same_client_id_twice_is_stored_once(user: User) -> None:
    first, created = load_actions.log_entry(
        db.session, user, client_id="abc-123-def", intensity=4, now=NOW
    )
    again, created_again = load_actions.log_entry(
        db.session, user, client_id="abc-123-def", intensity=2, now=NOW
    )
    db.session.commit()
    assert created and not created_again and first.id == again.id
    assert db.session.scalar(db.select(db.func.count()).select_from(LoadEntry)) == 1


def test_an_entry_counts_on_the_users_local_day(user: User) -> None:
    late = datetime(2026, 6, 10, 11, 30, tzinfo=UTC)  # 23:30 in Auckland, still the 10th there
    entry, _ = load_actions.log_entry(
        db.session, user, client_id="late-night-1", intensity=3, now=late
    )
    assert entry.local_date == date(2026, 6, 10)
    after_midnight = datetime(2026, 6, 10, 12, 30, tzinfo=UTC)  # 00:30 on the 11th in Auckland
    entry, _ = load_actions.log_entry(
        db.session, user, client_id="after-midnight", intensity=3, now=after_midnight
    )
    assert entry.local_date == date(2026, 6, 11)


def test_future_and_very_old_days_are_refused(user: User) -> None:
    with pytest.raises(load.LoadError, match="hasn't happened yet"):
        load_actions.log_entry(
            db.session, user, client_id="future-day-1", intensity=3, now=NOW, day=date(2026, 6, 12)
        )
    with pytest.raises(load.LoadError, match="within the last 60 days"):
        load_actions.log_entry(
            db.session, user, client_id="old-day-0001", intensity=3, now=NOW, day=date(2026, 1, 1)
        )
    with pytest.raises(load.LoadError, match="from 1 to 5"):
        load_actions.log_entry(db.session, user, client_id="bad-level-01", intensity=6, now=NOW)


def test_the_dashboard_sums_per_local_day_and_costs_one_query_whatever_the_history(
    user: User,
) -> None:
    for days_ago in range(0, 200, 3):
        day = date(2026, 6, 10) - timedelta(days=days_ago)
        load_actions.log_entry(
            db.session, user, client_id=f"hist-{days_ago:04d}", intensity=2, now=NOW, day=None
        )
        db.session.query(LoadEntry).filter_by(client_id=f"hist-{days_ago:04d}").update(
            {"local_date": day}
        )
    db.session.commit()
    zone = user.time_zone  # load the user before counting
    with count_queries(db.engine) as statements:
        board = load.dashboard(db.session, user, NOW)
    selects = [s for s in statements if s.startswith("SELECT")]
    assert len(selects) == 1 and "GROUP BY" in selects[0] and zone
    assert board.snapshot.load == 6  # days 0, 3 and 6 ago
    assert len(board.arc) == 26 and all(p.logged for p in board.arc)


def test_other_users_entries_are_invisible(user: User, make_user) -> None:
    other = db.session.get(User, make_user().id)
    entry, _ = load_actions.log_entry(
        db.session, user, client_id="private-0001", intensity=5, now=NOW
    )
    db.session.commit()
    assert load.entry_of(db.session, other, entry.id) is None
    assert load.recent(db.session, other) == []
    assert load.dashboard(db.session, other, NOW).snapshot.load == 0


def _heavy_week(user: User, now: datetime, prefix: str) -> None:
    for n in range(6):
        load_actions.log_entry(
            db.session, user, client_id=f"{prefix}-{n:04d}", intensity=5, now=now
        )


def test_a_very_heavy_day_queues_one_nudge_and_then_waits_three_days(user: User) -> None:
    user.typical_week = 8
    _heavy_week(user, NOW, "w1")  # 30 against a typical 8: very heavy; logging plans the nudge
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 1
    assert not load.plan_nudge(db.session, user, NOW)  # same day: stored once
    assert not load.plan_nudge(db.session, user, NOW + timedelta(days=2))  # within 3 days
    assert load.plan_nudge(db.session, user, NOW + timedelta(days=3))
    nudges = db.session.scalars(db.select(Notification).order_by(Notification.due_at)).all()
    assert [n.kind for n in nudges] == ["load_checkin", "load_checkin"]
    assert nudges[0].body == "Time to check in with a peer"  # generic words, no figures
    assert nudges[0].url == "/load"


def test_a_nudge_waits_for_the_end_of_quiet_hours(user: User) -> None:
    user.typical_week = 8
    user.quiet_start, user.quiet_end = time(20, 0), time(8, 0)  # NOW is 21:00 in Auckland
    _heavy_week(user, NOW, "quiet")  # logging plans the nudge
    nudge = db.session.scalar(db.select(Notification))
    assert nudge.due_at == datetime(2026, 6, 10, 20, 0, tzinfo=UTC)  # 08:00 on the 11th in Auckland


def test_a_steady_week_queues_nothing(user: User) -> None:
    user.typical_week = 10
    load_actions.log_entry(db.session, user, client_id="steady-0001", intensity=3, now=NOW)
    assert not load.plan_nudge(db.session, user, NOW)
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 0


def test_editing_an_entry_to_a_heavy_day_plans_the_nudge(user: User) -> None:
    user.typical_week = 2
    entry, _ = load_actions.log_entry(
        db.session, user, client_id="light-0001", intensity=1, now=NOW
    )
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 0

    load_actions.edit_entry(
        db.session, entry, user, intensity=5, day=entry.local_date, minutes=None, tags=(), now=NOW
    )

    nudges = db.session.scalars(db.select(Notification)).all()
    assert [n.kind for n in nudges] == ["load_checkin"]
