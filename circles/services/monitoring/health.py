"""Reads for /healthz, /readyz and the worker's log line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.monitoring import WorkerHeartbeat
from circles.models.notification import Notification, Status


def database_answers(session: DbSession) -> bool:
    """True when the database runs a trivial query; the session is usable again either way."""
    try:
        session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        session.rollback()
        return False
    return True


@dataclass(frozen=True)
class WorkerState:
    last_pass_at: datetime | None
    recent: bool


def worker_state(session: DbSession, now: datetime, stale_after: timedelta) -> WorkerState:
    """When any worker last finished a pass, and whether that is within `stale_after`.

    A database whose migrations are behind may have no heartbeat table: then no pass is known.
    """
    try:
        last = session.scalar(sa.select(sa.func.max(WorkerHeartbeat.finished_at)))
    except sa.exc.SQLAlchemyError:
        session.rollback()
        return WorkerState(None, False)
    return WorkerState(last, last is not None and now - last <= stale_after)


@dataclass(frozen=True)
class Backlog:
    due: int
    lag_seconds: int | None  # how late the oldest due reminder is


def backlog(session: DbSession, now: datetime) -> Backlog:
    """Reminders waiting for delivery now, and how long the oldest has waited."""
    count, oldest = session.execute(
        sa.select(sa.func.count(), sa.func.min(Notification.due_at)).where(
            Notification.status == Status.PENDING.value, Notification.next_attempt_at <= now
        )
    ).one()
    if oldest is None:
        return Backlog(int(count), None)
    return Backlog(int(count), max(0, int((now - oldest).total_seconds())))
