"""The notification outbox: what is due to whom, delivered by the worker, listed in the app."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import Base, utcnow


class Status(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up: payload error or retries exhausted
    SKIPPED = "skipped"  # no device to push to: the in-app list still has it
    DROPPED = "dropped"  # no longer relevant (meetup cancelled or moved, circle left): not shown


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_due", "status", "next_attempt_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(32))
    # One row per (user, kind, subject, occurrence): scheduling twice stores once.
    dedupe_key: so.Mapped[str] = so.mapped_column(sa.String(160), unique=True)
    due_at: so.Mapped[datetime]
    next_attempt_at: so.Mapped[datetime]
    title: so.Mapped[str] = so.mapped_column(sa.String(80))
    body: so.Mapped[str] = so.mapped_column(sa.String(200))
    url: so.Mapped[str] = so.mapped_column(sa.String(200))
    tag: so.Mapped[str] = so.mapped_column(sa.String(64))
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default=Status.PENDING.value)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    sent_at: so.Mapped[datetime | None]
    read_at: so.Mapped[datetime | None]
    # Email, decided once push delivery has settled the row: none, digest (waiting), sent.
    email_state: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class PlanningMark(Base):
    """How far a periodic planning pass has looked ahead, so the next one looks only beyond."""

    __tablename__ = "planning_mark"

    name: so.Mapped[str] = so.mapped_column(sa.String(32), primary_key=True)
    reached: so.Mapped[datetime]
