"""Burnout checks with the database: record one, read the latest, decide on the check-in nudge."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.load import BurnoutCheck
from circles.models.user import User
from circles.services.load import burnout
from circles.services.load.log import LoadError, dashboard
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind
from circles.timezones import local_date


def latest(session: DbSession, user: User, count: int = 2) -> list[BurnoutCheck]:
    """The user's most recent checks, newest first."""
    return list(
        session.scalars(
            sa.select(BurnoutCheck)
            .where(BurnoutCheck.user_id == user.id)
            .order_by(BurnoutCheck.checked_at.desc(), BurnoutCheck.id.desc())
            .limit(count)
        )
    )


def wants_checkin(session: DbSession, user: User, heavy_week: bool) -> bool:
    """Whether recent checks (with this week's load) call for the check-in nudge."""
    return burnout.calls_for_checkin([c.answer for c in latest(session, user)], heavy_week)


def record(session: DbSession, user: User, answer: int, now: datetime) -> BurnoutCheck:
    """Store one answer; when the rule says so, queue the check-in nudge (once a day)."""
    if answer not in burnout.ANSWERS:
        raise LoadError("Choose one of the five answers.")
    check = BurnoutCheck(user_id=user.id, answer=answer, checked_at=now)
    session.add(check)
    session.flush()
    if wants_checkin(session, user, dashboard(session, user, now).high):
        day = local_date(now, user.time_zone)
        outbox.enqueue(
            session,
            user,
            Kind.load_checkin,
            f"load_checkin:burnout:{user.id}:{day.isoformat()}",
            now,
            url="/load",
            tag="load-checkin",
        )
    return check
