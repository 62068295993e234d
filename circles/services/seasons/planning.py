"""Planning a season's reminders, and seating someone who joins mid-season in its roster."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.season import Season, SeasonMember, SeasonWaitlist
from circles.models.user import User
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind
from circles.services.seasons import rules
from circles.services.seasons.queries import current, season_member, today_in
from circles.timezones import wall_time_to_utc

REMINDER_TIME = time(10, 0)  # season reminders arrive mid-morning in each person's zone


def _at(user: User, day: date) -> datetime:
    return wall_time_to_utc(datetime.combine(day, REMINDER_TIME), user.time_zone)


def plan_reminders(session: DbSession, season: Season, users: Iterable[User], now: datetime) -> int:
    """Queue the season's reminders for these people: the burnout check at its start, middle
    and end, and the recommit question when the window opens (none in the past)."""
    rows: list[dict[str, Any]] = []
    days = rules.check_days(season.starts_on, season.ends_on)
    opens = rules.recommit_opens_on(season.starts_on, season.ends_on)
    for user in users:
        for point, day in days.items():
            due = _at(user, day)
            if due >= now - timedelta(hours=12) and user.wants(Kind.season_checkin.value):
                rows.append(
                    outbox.row(
                        user,
                        Kind.season_checkin,
                        f"season_checkin:{season.id}:{user.id}:{point}",
                        max(due, now),
                        url="/load#burnout-heading",
                        tag="season-checkin",
                    )
                )
        due = _at(user, opens)
        if due >= now - timedelta(days=7) and user.wants(Kind.season_recommit.value):
            rows.append(
                outbox.row(
                    user,
                    Kind.season_recommit,
                    f"season_recommit:{season.id}:{user.id}",
                    max(due, now),
                    url=f"/circles/{season.circle_id}/season",
                    tag=f"season-recommit-{season.circle_id}",
                )
            )
    return outbox.store(session, rows)


def joined_mid_season(session: DbSession, circle_id: int, user: User, now: datetime) -> None:
    """Someone joined the circle: they are in its running season from today, with its reminders.

    Called by every way of joining (an invite link, an offered seat, coming back). A place they
    held on the circle's waitlist is no longer needed.
    """
    session.execute(
        sa.delete(SeasonWaitlist).where(
            SeasonWaitlist.circle_id == circle_id, SeasonWaitlist.user_id == user.id
        ),
        execution_options={"synchronize_session": "fetch"},
    )
    season = current(session, circle_id)
    if season is None or season_member(session, season.id, user.id) is not None:
        return
    today = today_in(season.circle, now)
    session.add(
        SeasonMember(season_id=season.id, user_id=user.id, joined_on=max(today, season.starts_on))
    )
    session.flush()
    plan_reminders(session, season, [user], now)
