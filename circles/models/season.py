"""Seasons: a circle runs in seasons; who was in each one, their private recommit answer, and
the waitlist of people invited for the next season."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import Base, utcnow
from circles.models.circle import Circle


class Season(Base):
    """One season of a circle: by default 6 months or 12 meetups, as the host chose."""

    __tablename__ = "season"
    __table_args__ = (
        sa.UniqueConstraint("circle_id", "number"),
        sa.CheckConstraint("length_unit IN ('months', 'meetups')", name="length_unit"),
        sa.CheckConstraint("length BETWEEN 1 AND 52", name="length"),
        sa.CheckConstraint("ends_on > starts_on", name="ends_after_start"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    circle_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("circle.id", ondelete="CASCADE"), index=True
    )
    number: so.Mapped[int]
    starts_on: so.Mapped[date]
    # When the season is planned to end: by months, or the day of its last meetup.
    ends_on: so.Mapped[date]
    length_unit: so.Mapped[str] = so.mapped_column(sa.String(8), default="months")
    length: so.Mapped[int] = so.mapped_column(default=6)
    # Fixed membership: invite links put people on the waitlist for the next season.
    invites_next_season_only: so.Mapped[bool] = so.mapped_column(
        default=False, server_default=sa.false()
    )
    started_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    started_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    ended_at: so.Mapped[datetime | None]  # when the next season started

    circle: so.Mapped[Circle] = so.relationship()

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class SeasonMember(Base):
    """Someone in a season, and their private answer for the next one (continue, pause, leave).

    The rows stay after the season: the circle's history, and the summary's "who was there".
    """

    __tablename__ = "season_member"
    __table_args__ = (
        sa.UniqueConstraint("season_id", "user_id"),
        sa.CheckConstraint(
            "choice IS NULL OR choice IN ('continue', 'pause', 'leave')", name="choice"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    season_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("season.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    joined_on: so.Mapped[date]
    choice: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    answered_at: so.Mapped[datetime | None]

    season: so.Mapped[Season] = so.relationship()


class SeasonWaitlist(Base):
    """A person with an invite for the next season, waiting for a seat to be offered."""

    __tablename__ = "season_waitlist"
    __table_args__ = (sa.UniqueConstraint("circle_id", "user_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    circle_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("circle.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    added_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    offered_at: so.Mapped[datetime | None]  # a seat was offered when a season started

    circle: so.Mapped[Circle] = so.relationship()
