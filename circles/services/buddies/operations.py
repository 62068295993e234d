"""Buddy actions: a host turns buddy pairs on or off, or changes the period."""

from __future__ import annotations

from datetime import datetime

from circles.models.base import DbSession
from circles.models.circle import Circle
from circles.services.buddies.pairing import BuddyStatus, ensure_round, status
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
