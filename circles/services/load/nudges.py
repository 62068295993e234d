"""The check-in nudge: the rule applied to one user, and the daily pass over everyone due.

Logging or editing a 1:1 looks at once; otherwise each person is looked at once per local day
(their load's level can change when the day turns), all together: a few grouped queries and
one insert for everyone due, never a query per person, and nothing for those idle for a week.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from circles.models.base import DbSession
from circles.models.load import LoadEntry
from circles.models.notification import Notification
from circles.models.user import User
from circles.services.load import index as load_index
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind
from circles.timezones import local_date, wall_time_to_utc

# The days the rule reads: yesterday's baseline looks 8 weeks back from a week before yesterday.
RULE_DAYS = 7 * (load_index.BASELINE_WEEKS + 2)
BATCH = 500  # people looked at per round of queries


def next_look(user: User, now: datetime) -> datetime:
    """The user's next local midnight (UTC): when their day, and maybe their level, turns."""
    tomorrow = local_date(now, user.time_zone) + timedelta(days=1)
    return wall_time_to_utc(datetime.combine(tomorrow, time()), user.time_zone)


def nudge_row(
    user: User, daily: Mapping[date, int], last_due: datetime | None, now: datetime
) -> dict[str, Any] | None:
    """The outbox row of today's nudge when the rule says so (at most one per 3 days)."""
    today = local_date(now, user.time_zone)
    last_on = local_date(last_due, user.time_zone) if last_due else None
    if last_on is not None and today - last_on < load_index.NUDGE_EVERY:
        return None  # cheap checks first: this runs for everyone whose day turned
    now_level = load_index.snapshot(daily, today, user.typical_week, user.load_threshold).level
    if not now_level.is_heavy:
        return None  # neither rule can hold (a week with nothing logged is never heavy)
    level_today, level_yesterday = load_index.levels_for(
        daily, today, user.typical_week, user.load_threshold
    )
    if not load_index.nudge_due(level_today, level_yesterday, last_on, today):
        return None
    return outbox.row(
        user,
        Kind.load_checkin,
        f"load_checkin:{user.id}:{today.isoformat()}",
        now,
        url="/load",
        tag="load-checkin",
    )


def _next_look_after(
    user: User, daily: Mapping[int, Mapping[date, int]], now: datetime
) -> datetime | None:
    # Nothing logged in the last week: no nudge can come until they log again (which looks).
    logged = load_index.weekly_load(daily.get(user.id, {}), local_date(now, user.time_zone))
    return next_look(user, now) if logged else None


def _daily_by_user(
    session: DbSession, users: Sequence[User], now: datetime
) -> dict[int, dict[date, int]]:
    days = [local_date(now, user.time_zone) for user in users]
    rows = session.execute(
        sa.select(LoadEntry.user_id, LoadEntry.local_date, sa.func.sum(LoadEntry.intensity))
        .where(
            LoadEntry.user_id.in_([user.id for user in users]),
            LoadEntry.local_date > min(days) - timedelta(days=RULE_DAYS),
            LoadEntry.local_date <= max(days),
        )
        .group_by(LoadEntry.user_id, LoadEntry.local_date)
    )
    daily: dict[int, dict[date, int]] = defaultdict(dict)
    for user_id, day, total in rows:
        daily[user_id][day] = int(total)
    return daily


def _last_nudges(session: DbSession, users: Sequence[User]) -> dict[int, datetime]:
    rows = session.execute(
        sa.select(Notification.user_id, sa.func.max(Notification.due_at))
        .where(
            Notification.kind == Kind.load_checkin.value,
            Notification.user_id.in_([user.id for user in users]),
        )
        .group_by(Notification.user_id)
    )
    return {user_id: due for user_id, due in rows}


def _look(session: DbSession, users: Sequence[User], now: datetime) -> int:
    daily = _daily_by_user(session, users, now)
    last = _last_nudges(session, users)
    rows = [nudge_row(user, daily.get(user.id, {}), last.get(user.id), now) for user in users]
    stored = outbox.store(session, [row for row in rows if row is not None])
    # Next looks, grouped: people in one zone share their next midnight (one UPDATE per zone).
    looks: dict[datetime | None, list[User]] = defaultdict(list)
    for user in users:
        looks[_next_look_after(user, daily, now)].append(user)
    table = cast(sa.Table, User.__table__)
    for at, group in looks.items():
        session.execute(
            sa.update(table)
            .where(table.c.id.in_([user.id for user in group]))
            .values(load_check_at=at)
        )
        for user in group:
            set_committed_value(user, "load_check_at", at)  # what the UPDATE wrote
    return stored


def plan_due(session: DbSession, now: datetime) -> int:
    """Look at everyone whose local day turned since their last look; how many nudges stored."""
    stored = 0
    while True:
        users = list(
            session.scalars(
                sa.select(User)
                .where(User.load_check_at <= now)
                .order_by(User.load_check_at, User.id)
                .limit(BATCH)
            )
        )
        if not users:
            return stored
        stored += _look(session, users, now)
