"""Writes: the worker records each finished pass."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.monitoring import WorkerHeartbeat

FORGET_AFTER = timedelta(days=1)  # a worker silent this long is gone; its row goes too


@dataclass(frozen=True)
class PassCounts:
    due: int
    sent: int
    failed: int
    lag_seconds: int | None


def record_pass(
    session: DbSession, worker: str, finished_at: datetime, counts: PassCounts
) -> WorkerHeartbeat:
    """Rewrite this worker's heartbeat with the pass just finished."""
    session.execute(
        sa.delete(WorkerHeartbeat).where(WorkerHeartbeat.finished_at < finished_at - FORGET_AFTER)
    )
    beat = session.scalar(sa.select(WorkerHeartbeat).where(WorkerHeartbeat.worker == worker))
    if beat is None:
        beat = WorkerHeartbeat(worker=worker)
        session.add(beat)
    beat.finished_at = finished_at
    beat.due = counts.due
    beat.sent = counts.sent
    beat.failed = counts.failed
    beat.lag_seconds = counts.lag_seconds
    session.flush()
    return beat
