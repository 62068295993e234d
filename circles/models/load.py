"""The private 1:1 load log: entries belong to their author alone."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import Base, utcnow

TAGS = ("burnout", "personal", "career", "conflict", "tears", "other")


class LoadEntry(Base):
    """One 1:1: how heavy it was, never who it was with or what was said."""

    __tablename__ = "load_entry"
    __table_args__ = (
        # An offline retry or a double tap sends the same client id: it is stored once.
        sa.UniqueConstraint("user_id", "client_id"),
        sa.CheckConstraint("intensity BETWEEN 1 AND 5", name="intensity"),
        sa.CheckConstraint("minutes IS NULL OR minutes BETWEEN 1 AND 600", name="minutes"),
        sa.Index("ix_load_entry_user_day", "user_id", "local_date"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    client_id: so.Mapped[str] = so.mapped_column(sa.String(40))
    local_date: so.Mapped[date]
    intensity: so.Mapped[int]
    minutes: so.Mapped[int | None]
    tags: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    logged_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]


class BurnoutCheck(Base):
    """One answer to the single-item burnout measure: private to its author."""

    __tablename__ = "burnout_check"
    __table_args__ = (sa.CheckConstraint("answer BETWEEN 1 AND 5", name="answer"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    answer: so.Mapped[int]
    checked_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
