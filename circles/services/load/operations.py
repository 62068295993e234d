"""1:1 load actions: log an entry, edit or delete it, change the settings, dismiss the nudge.

Logging or editing a 1:1 also plans the check-in nudge. Each function flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from circles.models.base import DbSession, utcnow
from circles.models.load import TAGS, LoadEntry
from circles.models.user import User
from circles.services.load.log import BACKDATE_LIMIT, LoadError, plan_nudge, today_for


def _check_day(user: User, day: date, now: datetime) -> None:
    today = today_for(user, now)
    if day > today:
        raise LoadError("That day hasn't happened yet. Choose today or an earlier day.")
    if day < today - BACKDATE_LIMIT:
        raise LoadError("Choose a day within the last 60 days.")


def _clean_tags(tags: Iterable[str]) -> str:
    chosen = [t for t in TAGS if t in set(tags)]
    return ",".join(chosen)


def log_entry(
    session: DbSession,
    user: User,
    *,
    client_id: str,
    intensity: int,
    now: datetime,
    day: date | None = None,
) -> tuple[LoadEntry, bool]:
    """Record one 1:1 and plan the nudge; the same client id twice returns the first entry.

    Returns (entry, created).
    """
    if not 1 <= intensity <= 5:
        raise LoadError("Choose how heavy it was, from 1 to 5.")
    day = day or today_for(user, now)
    _check_day(user, day, now)
    query = sa.select(LoadEntry).where(
        LoadEntry.user_id == user.id, LoadEntry.client_id == client_id
    )
    existing = session.scalar(query)
    if existing is not None:
        return existing, False
    entry = LoadEntry(
        user_id=user.id, client_id=client_id, local_date=day, intensity=intensity, logged_at=now
    )
    try:
        with session.begin_nested():  # an offline retry racing the first send stores once
            session.add(entry)
    except sa.exc.IntegrityError:
        again = session.scalar(query)
        if again is None:
            raise
        return again, False
    plan_nudge(session, user, now)
    return entry, True


def edit_entry(
    session: DbSession,
    entry: LoadEntry,
    user: User,
    *,
    intensity: int,
    day: date,
    minutes: int | None,
    tags: Iterable[str],
    now: datetime,
) -> None:
    """Change an entry's details; the nudge is planned again on the new figures."""
    if not 1 <= intensity <= 5:
        raise LoadError("Choose how heavy it was, from 1 to 5.")
    if minutes is not None and not 1 <= minutes <= 600:
        raise LoadError("Minutes go from 1 to 600.")
    _check_day(user, day, now)
    entry.intensity, entry.local_date, entry.minutes = intensity, day, minutes
    entry.tags = _clean_tags(tags)
    session.flush()
    plan_nudge(session, user, now)


def delete_entry(session: DbSession, entry: LoadEntry) -> None:
    """Delete (or undo) one of the user's own entries."""
    session.delete(entry)
    session.flush()


def save_settings(
    session: DbSession, user: User, *, typical_week: int | None, threshold: int | None
) -> None:
    """The user's typical week and personal threshold for the load index."""
    user.typical_week, user.load_threshold = typical_week, threshold
    if user.load_check_at is not None:
        user.load_check_at = utcnow()  # the level may have changed: the next pass looks again
    session.flush()


def dismiss_nudge(session: DbSession, user: User, now: datetime, *, snooze_week: bool) -> None:
    """Hide the nudge card for today, or for a week."""
    today = today_for(user, now)
    user.nudge_dismissed_on = today
    if snooze_week:
        user.nudge_snoozed_until = today + timedelta(days=7)
    session.flush()


def set_arc_start(session: DbSession, user: User, day: date | None, now: datetime) -> None:
    """Mark (or clear) the day this work began, which anchors the curve on My load."""
    if day is not None and day > today_for(user, now):
        raise LoadError("Choose a day that has already come.")
    user.arc_started_on = day
    session.flush()
