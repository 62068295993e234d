"""The 1:1 load log: entries (private to their author), the dashboard, and the check-in nudge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.load import LoadEntry
from circles.models.user import User
from circles.services.load import index as load_index
from circles.services.load import nudges
from circles.services.load.index import LoadSnapshot, WeekPoint
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind
from circles.timezones import local_date

# Enough history for the 26-week arc plus the 8 weeks before its oldest point.
HISTORY_DAYS = 7 * (load_index.ARC_WEEKS + load_index.BASELINE_WEEKS)
BACKDATE_LIMIT = timedelta(days=60)


class LoadError(ValueError):
    """The entry was refused; the message is for the person logging."""


def today_for(user: User, now: datetime) -> date:
    """The user's local date now."""
    return local_date(now, user.time_zone)


def entry_of(session: DbSession, user: User, entry_id: int) -> LoadEntry | None:
    """The user's own entry; anyone else's is None."""
    entry = session.get(LoadEntry, entry_id)
    return entry if entry is not None and entry.user_id == user.id else None


def recent(session: DbSession, user: User, limit: int = 20) -> list[LoadEntry]:
    """The user's latest entries, newest first."""
    return list(
        session.scalars(
            sa.select(LoadEntry)
            .where(LoadEntry.user_id == user.id)
            .order_by(LoadEntry.local_date.desc(), LoadEntry.logged_at.desc())
            .limit(limit)
        )
    )


def daily_totals(session: DbSession, user: User, today: date) -> dict[date, int]:
    """Sum of intensities per local day over the history the index needs (one query)."""
    rows = session.execute(
        sa.select(LoadEntry.local_date, sa.func.sum(LoadEntry.intensity))
        .where(
            LoadEntry.user_id == user.id,
            LoadEntry.local_date > today - timedelta(days=HISTORY_DAYS),
            LoadEntry.local_date <= today,
        )
        .group_by(LoadEntry.local_date)
    )
    return {day: int(total) for day, total in rows}


@dataclass(frozen=True)
class Dashboard:
    today: date
    snapshot: LoadSnapshot
    arc: list[WeekPoint]

    @property
    def strip(self) -> list[WeekPoint]:
        """The last eight weeks, for the small strip on Today."""
        return self.arc[-8:]

    @property
    def high(self) -> bool:
        return self.snapshot.logged and self.snapshot.level.is_heavy

    @property
    def scale(self) -> int:
        """The chart's top value: the largest week or baseline, at least 10."""
        values = [p.load for p in self.arc] + [int(p.baseline.value + 0.5) for p in self.arc]
        return max([10, *values])


def dashboard(session: DbSession, user: User, now: datetime) -> Dashboard:
    """This week's load, level and baseline, and the 26-week arc."""
    today = today_for(user, now)
    daily = daily_totals(session, user, today)
    return Dashboard(
        today=today,
        snapshot=load_index.snapshot(daily, today, user.typical_week, user.load_threshold),
        arc=load_index.arc(daily, today, user.typical_week, user.load_threshold),
    )


def plan_nudge(session: DbSession, user: User, now: datetime) -> bool:
    """Queue a check-in nudge when the rule says so (at most one per 3 days, after quiet hours).

    The daily pass looks again when the user's day turns (see load.nudges).
    """
    today = today_for(user, now)
    last = outbox.last_of_kind(session, user, Kind.load_checkin)
    row = nudges.nudge_row(
        user, daily_totals(session, user, today), last.due_at if last else None, now
    )
    user.load_check_at = nudges.next_look(user, now)
    session.flush()
    return row is not None and outbox.store(session, [row]) == 1


def nudge_visible(user: User, board: Dashboard, burnout_flag: bool = False) -> bool:
    """Whether Today shows the check-in card (a heavy week, or burnout checks that call for it)."""
    if not (board.high or burnout_flag) or user.nudge_dismissed_on == board.today:
        return False
    return not (user.nudge_snoozed_until and user.nudge_snoozed_until >= board.today)
