"""Accounts."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from circles.models.base import Base, utcnow


class User(UserMixin, Base):  # type: ignore[misc]  # flask_login ships no types
    __tablename__ = "user"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Stored lower-cased, so the unique index makes email case-insensitive on every database.
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(60))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(200))
    time_zone: so.Mapped[str] = so.mapped_column(sa.String(64), default="UTC")
    quiet_start: so.Mapped[time | None] = so.mapped_column(sa.Time())
    quiet_end: so.Mapped[time | None] = so.mapped_column(sa.Time())
    # Bumped on logout and password change: every older session and remember cookie stops working.
    session_version: so.Mapped[int] = so.mapped_column(default=1)
    # Bumped to regenerate the private calendar feed link; the old link stops working.
    calendar_version: so.Mapped[int] = so.mapped_column(default=1)
    # The load log's settings: a typical week (the baseline until 3 weeks are logged) and a
    # personal threshold at or over which a week counts as heavy.
    typical_week: so.Mapped[int | None]
    load_threshold: so.Mapped[int | None]
    arc_started_on: so.Mapped[date | None]  # "I started this work on ...": anchors the curve
    nudge_dismissed_on: so.Mapped[date | None]
    nudge_snoozed_until: so.Mapped[date | None]
    # When the daily look at this user's load is next due (their next local midnight, UTC);
    # None while nothing was logged in the last week, so idle users cost the worker nothing.
    load_check_at: so.Mapped[datetime | None] = so.mapped_column(index=True)
    # Reminder kinds this user turned off (comma-separated push kinds); empty means all on.
    # Wide enough for every kind at once, with room for kinds still to come.
    reminders_off: so.Mapped[str] = so.mapped_column(sa.String(1000), default="")
    # "kind=channel" pairs (push, email, both, in_app); a kind not listed takes its default.
    reminder_channels: so.Mapped[str] = so.mapped_column(sa.String(2000), default="")
    last_digest_at: so.Mapped[datetime | None]
    email_confirmed_at: so.Mapped[datetime | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    def get_id(self) -> str:
        """Flask-Login's session and remember-cookie id: the user and the session version."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.email_confirmed_at is not None

    def wants(self, kind: str) -> bool:
        """Whether the user gets reminders of this kind."""
        return kind not in self.reminders_off.split(",")

    def __repr__(self) -> str:
        return f"<User {self.id}>"
