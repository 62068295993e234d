"""The circle safety pulse with the database: one answer per member and month, aggregates only."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.buddy import PulseResponse
from circles.models.user import User
from circles.services.pulse.pooling import Answer, PooledPulse, pool
from circles.services.pulse.scoring import MonthResult, month_of, trend


class PulseError(ValueError):
    """Refused; the message is for the member."""


def answered_this_month(session: DbSession, circle_id: int, user: User, today: date) -> bool:
    return (
        session.scalar(
            sa.select(PulseResponse.id).where(
                PulseResponse.circle_id == circle_id,
                PulseResponse.user_id == user.id,
                PulseResponse.month == month_of(today),
            )
        )
        is not None
    )


def results(
    session: DbSession, circle_id: int, today: date, months: int = 6
) -> tuple[list[MonthResult], int]:
    """Closed months' averages (none under 3 answers), and how many answered this month so far.

    A month's average shows only once the month is over: watching a live average move as each
    person answers would give away that person's score.
    """
    rows = session.scalars(sa.select(PulseResponse).where(PulseResponse.circle_id == circle_id))
    by_month: dict[date, list[list[int]]] = defaultdict(list)
    for row in rows:
        by_month[row.month].append(row.answer_list())
    current = month_of(today)
    so_far = len(by_month.pop(current, []))
    return trend(by_month)[-months:], so_far


def pooled(session: DbSession, circle_id: int, today: date) -> PooledPulse:
    """The circle's pooled pulse: results over closed runs of finished months (see pooling)."""
    rows = session.scalars(sa.select(PulseResponse).where(PulseResponse.circle_id == circle_id))
    return pool([Answer(row.month, row.user_id, row.answer_list()) for row in rows], today)
