"""Reading seasons: a circle's current one, who is in it, their answers, and the waitlist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import DbSession
from circles.models.circle import Circle, Membership
from circles.models.season import Season, SeasonMember, SeasonWaitlist
from circles.models.user import User
from circles.services.seasons import rules
from circles.services.seasons.rules import Choice
from circles.timezones import local_date


class SeasonError(ValueError):
    """A season rule refused the change; the message is for the person who asked."""


def current(session: DbSession, circle_id: int) -> Season | None:
    """The circle's running season (the newest one not ended), if any."""
    return session.scalar(
        sa.select(Season)
        .where(Season.circle_id == circle_id, Season.ended_at.is_(None))
        .order_by(Season.number.desc())
        .limit(1)
    )


def latest_ended(session: DbSession, circle_id: int) -> Season | None:
    return session.scalar(
        sa.select(Season)
        .where(Season.circle_id == circle_id, Season.ended_at.is_not(None))
        .order_by(Season.number.desc())
        .limit(1)
    )


def today_in(circle: Circle, now: datetime) -> date:
    """Season days are the circle's local days."""
    return local_date(now, circle.time_zone)


def week_of(season: Season, now: datetime) -> rules.SeasonWeek:
    return rules.week_of(season.starts_on, season.ends_on, today_in(season.circle, now))


def recommit_open(season: Season, now: datetime) -> bool:
    return season.is_current and rules.recommit_open(
        season.starts_on, season.ends_on, today_in(season.circle, now)
    )


def recommit_asked(session: DbSession, user: User, now: datetime) -> list[Season]:
    """Current seasons whose recommit question is open and that the user hasn't answered
    (one query; the window is judged in each circle's own days)."""
    seasons = session.scalars(
        sa.select(Season)
        .join(SeasonMember, SeasonMember.season_id == Season.id)
        .join(Circle, Circle.id == Season.circle_id)
        .options(so.contains_eager(Season.circle))
        .where(
            SeasonMember.user_id == user.id,
            SeasonMember.answered_at.is_(None),
            Season.ended_at.is_(None),
        )
        .order_by(Season.ends_on)
    )
    return [season for season in seasons if recommit_open(season, now)]


def season_member(session: DbSession, season_id: int, user_id: int) -> SeasonMember | None:
    return session.scalar(
        sa.select(SeasonMember).where(
            SeasonMember.season_id == season_id, SeasonMember.user_id == user_id
        )
    )


def choices(session: DbSession, season: Season) -> dict[int, Choice | None]:
    """Each current member's answer for the next season (None: not answered), one query.

    Only people still in the circle count: someone who left mid-season has no say.
    """
    rows = session.execute(
        sa.select(Membership.user_id, SeasonMember.choice)
        .outerjoin(
            SeasonMember,
            sa.and_(
                SeasonMember.user_id == Membership.user_id, SeasonMember.season_id == season.id
            ),
        )
        .where(Membership.circle_id == season.circle_id)
    )
    return {user_id: Choice(choice) if choice else None for user_id, choice in rows}


@dataclass(frozen=True)
class HostRecommit:
    """What a host sees: counts, and the names of those who continue."""

    view: rules.HostView
    continuing_names: list[str]


def host_recommit(session: DbSession, season: Season) -> HostRecommit:
    view = rules.host_view(choices(session, season))
    names = list(
        session.scalars(
            sa.select(User.display_name)
            .where(User.id.in_(view.continuing))
            .order_by(sa.func.lower(User.display_name))
        )
    )
    return HostRecommit(view, names)


# An offered seat is kept for the person offered it this long; then anyone may take it.
SEAT_HOLD = timedelta(days=3)


def held_seats(session: DbSession, circle_id: int, now: datetime) -> int:
    """Seats offered from the waitlist in the last SEAT_HOLD and not yet taken or turned down."""
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(SeasonWaitlist)
            .where(
                SeasonWaitlist.circle_id == circle_id,
                SeasonWaitlist.offered_at.is_not(None),
                SeasonWaitlist.offered_at > now - SEAT_HOLD,
            )
        )
        or 0
    )


def waiting(session: DbSession, circle_id: int) -> list[SeasonWaitlist]:
    """The circle's waitlist not yet offered a seat, first come first."""
    return list(
        session.scalars(
            sa.select(SeasonWaitlist)
            .where(SeasonWaitlist.circle_id == circle_id, SeasonWaitlist.offered_at.is_(None))
            .order_by(SeasonWaitlist.added_at, SeasonWaitlist.id)
        )
    )


def waitlist_count(session: DbSession, circle_id: int) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(SeasonWaitlist)
            .where(SeasonWaitlist.circle_id == circle_id)
        )
        or 0
    )


def on_waitlist(session: DbSession, circle_id: int, user_id: int) -> SeasonWaitlist | None:
    return session.scalar(
        sa.select(SeasonWaitlist).where(
            SeasonWaitlist.circle_id == circle_id, SeasonWaitlist.user_id == user_id
        )
    )


def my_offers(session: DbSession, user: User) -> list[SeasonWaitlist]:
    """Seats offered to me that I haven't taken yet."""
    return list(
        session.scalars(
            sa.select(SeasonWaitlist)
            .where(SeasonWaitlist.user_id == user.id, SeasonWaitlist.offered_at.is_not(None))
            .order_by(SeasonWaitlist.offered_at)
        )
    )


def my_waiting(session: DbSession, user: User) -> list[SeasonWaitlist]:
    return list(
        session.scalars(
            sa.select(SeasonWaitlist)
            .where(SeasonWaitlist.user_id == user.id, SeasonWaitlist.offered_at.is_(None))
            .order_by(SeasonWaitlist.added_at)
        )
    )


@dataclass(frozen=True)
class MySeason:
    season: Season
    me: SeasonMember


def my_seasons(session: DbSession, user: User) -> list[MySeason]:
    """Every season I was in, newest first (for the summaries), one query."""
    rows = session.execute(
        sa.select(Season, SeasonMember)
        .join(SeasonMember, SeasonMember.season_id == Season.id)
        .where(SeasonMember.user_id == user.id)
        .order_by(Season.started_at.desc(), Season.id.desc())
    ).all()
    return [MySeason(season, me) for season, me in rows]


def paused_circles(session: DbSession, user: User) -> list[Circle]:
    """Circles I paused at the end of their last season and am not back in yet."""
    mine = my_seasons(session, user)
    latest_per_circle: dict[int, MySeason] = {}
    for entry in mine:
        latest_per_circle.setdefault(entry.season.circle_id, entry)
    paused = [
        entry.season.circle
        for entry in latest_per_circle.values()
        if entry.me.choice == Choice.PAUSE.value and not entry.season.is_current
    ]
    if not paused:
        return []
    inside = set(
        session.scalars(
            sa.select(Membership.circle_id).where(
                Membership.user_id == user.id, Membership.circle_id.in_([c.id for c in paused])
            )
        )
    )
    return [circle for circle in paused if circle.id not in inside]


def my_summary_season(session: DbSession, user: User, season_id: int) -> MySeason | None:
    """A season I was in (its summary is mine alone); None for anyone else."""
    row = session.execute(
        sa.select(Season, SeasonMember)
        .join(SeasonMember, SeasonMember.season_id == Season.id)
        .where(Season.id == season_id, SeasonMember.user_id == user.id)
    ).first()
    return MySeason(row[0], row[1]) if row else None
