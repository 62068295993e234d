"""Devices that get push reminders."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import Base, utcnow


class PushSubscription(Base):
    """One browser's push endpoint and keys, for one user."""

    __tablename__ = "push_subscription"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    endpoint: so.Mapped[str] = so.mapped_column(sa.String(1000), unique=True)
    p256dh: so.Mapped[str] = so.mapped_column(sa.String(100))
    auth: so.Mapped[str] = so.mapped_column(sa.String(40))
    device: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_success_at: so.Mapped[datetime | None]
    error_count: so.Mapped[int] = so.mapped_column(default=0)
    first_error_at: so.Mapped[datetime | None]
