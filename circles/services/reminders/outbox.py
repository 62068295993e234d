"""The notification outbox: reminders are written here once, then delivered by the worker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from circles.models.base import DbSession, utcnow
from circles.models.notification import Notification, Status
from circles.models.user import User
from circles.push.payload import check_tag, check_url
from circles.services.reminders.kinds import Kind, words
from circles.services.reminders.quiet_hours import defer_out_of_quiet_hours


def deliver_at(user: User, due: datetime) -> datetime:
    """When a reminder due now may reach the user: after their quiet hours, in their zone."""
    return defer_out_of_quiet_hours(due, user.time_zone, user.quiet_start, user.quiet_end)


def row(
    user: User,
    kind: Kind,
    dedupe_key: str,
    due_at: datetime,
    *,
    url: str,
    tag: str,
    respect_quiet_hours: bool = True,
) -> dict[str, Any]:
    """One outbox row with the kind's generic words, due after the user's quiet hours."""
    title, body = words(kind)
    when = deliver_at(user, due_at) if respect_quiet_hours else due_at
    return {
        "user_id": user.id,
        "kind": kind.value,
        "dedupe_key": dedupe_key,
        "due_at": when,
        "next_attempt_at": when,
        "title": title,
        "body": body,
        "url": check_url(url),
        "tag": check_tag(tag),
        "status": Status.PENDING.value,
        "attempts": 0,
        "created_at": utcnow(),
    }


def store(session: DbSession, rows: Sequence[dict[str, Any]]) -> int:
    """Store each row once per dedupe key, in one statement; how many were new.

    ON CONFLICT DO NOTHING lets two workers (or two requests) plan the same reminder and store
    one; RETURNING counts only the rows really inserted (PostgreSQL's rowcount does not).
    """
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(sa.Table, Notification.__table__)
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=[table.c.dedupe_key])
        .returning(table.c.id)
    )
    # One statement executed for many rows: SQLAlchemy sends them as multi-row VALUES pages.
    return len(session.execute(statement, list(rows)).all())


def enqueue(
    session: DbSession,
    user: User,
    kind: Kind,
    dedupe_key: str,
    due_at: datetime,
    *,
    url: str,
    tag: str,
    respect_quiet_hours: bool = True,
) -> bool:
    """Store a reminder once per dedupe key; True when this call stored it."""
    reminder = row(
        user,
        kind,
        dedupe_key,
        due_at,
        url=url,
        tag=tag,
        respect_quiet_hours=respect_quiet_hours,
    )
    return store(session, [reminder]) == 1


def last_of_kind(session: DbSession, user: User, kind: Kind) -> Notification | None:
    """The user's most recent reminder of this kind."""
    return session.scalar(
        sa.select(Notification)
        .where(Notification.user_id == user.id, Notification.kind == kind.value)
        .order_by(Notification.due_at.desc())
        .limit(1)
    )
