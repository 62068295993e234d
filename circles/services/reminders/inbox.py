"""The in-app list of reminders: what was sent (or held back), newest first, read or unread."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.notification import Notification, Status
from circles.models.user import User

SHOWN = (Status.SENT.value, Status.SKIPPED.value, Status.FAILED.value)


def _mine(user_id: int, now: datetime) -> sa.Select[Notification]:
    return _mine_by_id(user_id, now)


def _mine_by_id(user_id: Any, now: Any) -> sa.Select[Notification]:
    return sa.select(Notification).where(
        Notification.user_id == user_id,
        Notification.status.in_(SHOWN),
        Notification.due_at <= now,
    )


def unread_count(session: DbSession, user_id: int, now: datetime) -> int:
    """How many reminders the user hasn't opened."""
    query = (
        _mine(user_id, now).where(Notification.read_at.is_(None)).with_only_columns(sa.func.count())
    )
    return session.scalar(query) or 0


def _user_with_unread_query() -> sa.Select[User, int]:
    unread = (
        _mine_by_id(sa.bindparam("user_id"), sa.bindparam("now", type_=sa.DateTime))
        .where(Notification.read_at.is_(None))
        .with_only_columns(sa.func.count())
        .scalar_subquery()
    )
    return sa.select(User, unread).where(User.id == sa.bindparam("user_id"))


def user_with_unread(session: DbSession, user_id: int, now: datetime) -> tuple[User | None, int]:
    """The user and how many reminders they haven't opened, in one query (for every request)."""
    row = session.execute(_USER_WITH_UNREAD, {"user_id": user_id, "now": now}).first()
    return (None, 0) if row is None else (row[0], int(row[1] or 0))


_USER_WITH_UNREAD = _user_with_unread_query()  # built once: it runs on every request


def latest(session: DbSession, user: User, now: datetime, limit: int = 50) -> list[Notification]:
    """The user's reminders, newest first."""
    query = _mine(user.id, now).order_by(Notification.due_at.desc()).limit(limit)
    return list(session.scalars(query))


def one_of(session: DbSession, user: User, notification_id: int) -> Notification | None:
    """One of the user's own notifications; anyone else's is None."""
    note = session.get(Notification, notification_id)
    return note if note is not None and note.user_id == user.id else None
