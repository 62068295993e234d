"""A person's season summary: their meetups, their load over the season against their usual,
their burnout check at the start and the end, check-ins given and received. Theirs alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.checkin import CheckinRecord
from circles.models.load import BurnoutCheck, LoadEntry
from circles.models.meetup import Attendance, MeetupRun, MeetupSeries
from circles.models.season import Season, SeasonMember
from circles.models.user import User
from circles.services.load import burnout, index
from circles.services.seasons import rules
from circles.services.seasons.queries import today_in

MAX_WEEKS = 52
CHECK_LEAD = timedelta(days=7)  # a check in the week before the start counts as its start


@dataclass(frozen=True)
class SummaryWeek:
    start: date
    end: date
    load: int
    logged: bool
    level: str | None  # the level's words, None for a week with nothing logged


@dataclass(frozen=True)
class SeasonSummary:
    season: Season
    circle_name: str
    first_day: date  # the person's first day in the season
    last_day: date  # the season's end, or today while it runs
    so_far: bool  # the season still runs
    meetups_held: int
    attended: int
    weeks: list[SummaryWeek]
    points: list[index.WeekPoint]  # the same weeks for the chart
    usual: float  # their usual week when the season began
    first_check: BurnoutCheck | None
    last_check: BurnoutCheck | None
    given: int
    received: int
    line: str

    @property
    def scale(self) -> int:
        """The chart's top: the largest week or usual range, at least 10."""
        tops = [p.load for p in self.points] + [int(p.baseline.value * 1.3) for p in self.points]
        return max([10, *tops])

    @property
    def logged_weeks(self) -> int:
        return sum(1 for week in self.weeks if week.logged)

    @property
    def first_check_words(self) -> str | None:
        return burnout.ANSWERS[self.first_check.answer] if self.first_check else None

    @property
    def last_check_words(self) -> str | None:
        return burnout.ANSWERS[self.last_check.answer] if self.last_check else None


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _meetups(
    session: DbSession, season: Season, user: User, begin: datetime, end: datetime
) -> tuple[int, int]:
    runs = (
        sa.select(MeetupRun.id)
        .join(MeetupSeries, MeetupSeries.id == MeetupRun.series_id)
        .where(
            MeetupSeries.circle_id == season.circle_id,
            MeetupRun.started_at >= begin,
            MeetupRun.started_at < end,
        )
    )
    held = session.scalar(sa.select(sa.func.count()).select_from(runs.subquery())) or 0
    attended = (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Attendance)
            .where(Attendance.user_id == user.id, Attendance.run_id.in_(runs))
        )
        or 0
    )
    return held, attended


def _checkins(
    session: DbSession, season: Season, user: User, begin: datetime, end: datetime
) -> tuple[int, int]:
    def count(column: Any) -> int:
        return (
            session.scalar(
                sa.select(sa.func.count())
                .select_from(CheckinRecord)
                .where(
                    CheckinRecord.circle_id == season.circle_id,
                    column == user.id,
                    CheckinRecord.recorded_at >= begin,
                    CheckinRecord.recorded_at < end,
                )
            )
            or 0
        )

    return count(CheckinRecord.by_user_id), count(CheckinRecord.with_user_id)


def _checks(
    session: DbSession, user: User, begin: datetime, end: datetime
) -> tuple[BurnoutCheck | None, BurnoutCheck | None]:
    found = list(
        session.scalars(
            sa.select(BurnoutCheck)
            .where(
                BurnoutCheck.user_id == user.id,
                BurnoutCheck.checked_at >= begin - CHECK_LEAD,
                BurnoutCheck.checked_at < end,
            )
            .order_by(BurnoutCheck.checked_at, BurnoutCheck.id)
        )
    )
    if not found:
        return None, None
    return found[0], (found[-1] if len(found) > 1 else None)


def summary(
    session: DbSession, season: Season, me: SeasonMember, user: User, now: datetime
) -> SeasonSummary:
    """The summary of one season for the person who was in it (a handful of queries)."""
    today = today_in(season.circle, now)
    so_far = season.is_current and today <= season.ends_on
    if season.ended_at is not None:
        last_day = min(today_in(season.circle, season.ended_at), max(season.ends_on, today))
    else:
        last_day = min(today, season.ends_on)
    first_day = max(me.joined_on, season.starts_on)
    last_day = max(last_day, first_day)
    begin, end = _utc(first_day), _utc(last_day + timedelta(days=1))
    span_weeks = min(rules.weeks_in(first_day, last_day + timedelta(days=1)), MAX_WEEKS)
    history_from = first_day - timedelta(weeks=index.BASELINE_WEEKS + 1)
    arc_end = first_day + timedelta(weeks=span_weeks, days=-1)
    daily = {
        day: int(total)
        for day, total in session.execute(
            sa.select(LoadEntry.local_date, sa.func.sum(LoadEntry.intensity))
            .where(
                LoadEntry.user_id == user.id,
                LoadEntry.local_date > history_from,
                LoadEntry.local_date <= min(last_day, arc_end),
            )
            .group_by(LoadEntry.local_date)
        )
    }
    # Weeks aligned with the person's first day: week 1 is that day and the six after it.
    points = index.arc(daily, arc_end, user.typical_week, user.load_threshold, span_weeks)
    weeks = [
        SummaryWeek(p.start, p.end, p.load, p.logged, p.level.word if p.level else None)
        for p in points
    ]
    usual = index.baseline(daily, first_day, user.typical_week).value
    held, attended = _meetups(session, season, user, begin, end)
    given, received = _checkins(session, season, user, begin, end)
    first_check, last_check = _checks(session, user, begin, end)
    trend = rules.load_trend([w.load if w.logged else None for w in weeks], usual)
    line = rules.what_changed(
        first_check.answer if first_check else None,
        last_check.answer if last_check else None,
        trend,
        attended,
    )
    return SeasonSummary(
        season=season,
        circle_name=season.circle.name,
        first_day=first_day,
        last_day=last_day,
        so_far=so_far,
        meetups_held=held,
        attended=attended,
        weeks=weeks,
        points=points,
        usual=usual,
        first_check=first_check,
        last_check=last_check,
        given=given,
        received=received,
        line=line,
    )
