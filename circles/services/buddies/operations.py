"""Buddy actions: a host turns buddy pairs on or off, or changes the period."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.buddy import BuddyMeeting
from circles.models.circle import Circle
from circles.models.user import User
from circles.services.buddies.pairing import BuddyStatus, ensure_round, latest_round, status
from circles.services.buddies.rounds import buddies_of
from circles.services.idempotent import put
from circles.timezones import local_date


def set_buddies(
    session: DbSession, circle: Circle, on: bool, now: datetime, period_days: int | None = None
) -> BuddyStatus:
    """Turn rotating buddies on (pairing everyone now) or off, and set how long a pairing lasts."""
    if period_days is not None:
        if period_days not in (7, 14, 28):
            raise ValueError("A pairing lasts 1, 2 or 4 weeks.")
        circle.buddy_period_days = period_days
    circle.buddies_on = on
    if on and circle.buddies_started_on is None:
        circle.buddies_started_on = local_date(now, circle.time_zone)
    session.flush()
    if on:
        ensure_round(session, circle, now)
    return status(session, circle)


MET_ANSWERS = ("yes", "not_yet", "skip")


def answer_met(session: DbSession, circle: Circle, user: User, answer: str, now: datetime) -> None:
    """A member says whether they and their buddy met this pairing (yes, not yet, or skip)."""
    if answer not in MET_ANSWERS:
        raise ValueError("Choose yes, not yet or skip.")
    current = latest_round(session, circle.id) if circle.buddies_on else None
    if current is None or not buddies_of(current.group_list(), user.id):
        raise ValueError("You have no buddy in this circle right now.")
    query = sa.select(BuddyMeeting).where(
        BuddyMeeting.round_id == current.id, BuddyMeeting.user_id == user.id
    )

    def update(row: BuddyMeeting) -> None:
        row.answer, row.answered_at = answer, now

    put(
        session,
        lambda: session.scalar(query),
        lambda: BuddyMeeting(round_id=current.id, user_id=user.id, answer=answer, answered_at=now),
        update,
    )
