"""What the reminder worker last did, so a stopped worker shows in /healthz and /readyz."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import Base


class WorkerHeartbeat(Base):
    """One row per worker process (host:pid), rewritten at the end of each of its passes."""

    __tablename__ = "worker_heartbeat"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    worker: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    finished_at: so.Mapped[datetime] = so.mapped_column(index=True)
    due: so.Mapped[int] = so.mapped_column(default=0)
    sent: so.Mapped[int] = so.mapped_column(default=0)
    failed: so.Mapped[int] = so.mapped_column(default=0)
    # Seconds the oldest due reminder had waited when the pass began; None with nothing due.
    lag_seconds: so.Mapped[int | None]
