"""Pulse actions: a member answers the month's seven questions (once per month)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.buddy import PulseResponse
from circles.models.user import User
from circles.services.pulse.results import PulseError, answered_this_month
from circles.services.pulse.scoring import month_of, validate


def answer_pulse(
    session: DbSession, circle_id: int, user: User, answers: list[int], today: date
) -> None:
    """Store this month's answers (once a month)."""
    try:
        validate(answers)
    except ValueError:
        raise PulseError("Answer all seven statements, each from 1 to 7.") from None
    if answered_this_month(session, circle_id, user, today):
        raise PulseError("You've answered for this month. Thank you.")
    try:
        with session.begin_nested():
            session.add(
                PulseResponse(
                    circle_id=circle_id,
                    user_id=user.id,
                    month=month_of(today),
                    answers=",".join(map(str, answers)),
                )
            )
    except sa.exc.IntegrityError:
        raise PulseError("You've answered for this month. Thank you.") from None
