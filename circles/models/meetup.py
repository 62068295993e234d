"""Meetup series, changes to single occurrences, and RSVPs."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import Base, utcnow
from circles.models.circle import Circle


class Answer(enum.StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NO = "no"

    @property
    def label(self) -> str:
        return {"going": "Going", "maybe": "Maybe", "no": "Can't make it"}[self.value]


class MeetupSeries(Base):
    """A meetup, once or repeating, planned in local wall time in its zone."""

    __tablename__ = "meetup_series"
    __table_args__ = (
        sa.CheckConstraint("duration_minutes BETWEEN 15 AND 480", name="duration"),
        sa.CheckConstraint(
            "repeat IN ('none', 'weekly', 'biweekly', 'monthly_nth')", name="repeat"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    circle_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("circle.id", ondelete="CASCADE"), index=True
    )
    start_date: so.Mapped[date]
    start_time: so.Mapped[time]
    duration_minutes: so.Mapped[int] = so.mapped_column(default=90)
    time_zone: so.Mapped[str] = so.mapped_column(sa.String(64))
    repeat: so.Mapped[str] = so.mapped_column(sa.String(16), default="none")
    rrule: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    until_date: so.Mapped[date | None]
    place: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    video_url: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    rotate_facilitator: so.Mapped[bool] = so.mapped_column(default=False)
    # A key of circles/data/formats.json; a key no longer there reads as the default format.
    format: so.Mapped[str] = so.mapped_column(
        sa.String(24), default="circle_round", server_default="circle_round"
    )
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # Calendar apps replace what they hold only when SEQUENCE grows: each edit adds one.
    revision: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    # One more each time its history changes (an answer, who came, a cancelled or moved meetup):
    # the facilitator rotation kept in memory is keyed on it (services/meetups/rotation.py).
    history_revision: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    circle: so.Mapped[Circle] = so.relationship()

    @property
    def start_local(self) -> datetime:
        """The first occurrence's local wall time (naive, in the series' zone)."""
        return datetime.combine(self.start_date, self.start_time)


class OccurrenceChange(Base):
    """One occurrence cancelled or moved, keyed by its original start."""

    __tablename__ = "occurrence_change"
    __table_args__ = (sa.UniqueConstraint("series_id", "occurrence_key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    series_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("meetup_series.id", ondelete="CASCADE"), index=True
    )
    occurrence_key: so.Mapped[str] = so.mapped_column(sa.String(20))
    cancelled: so.Mapped[bool] = so.mapped_column(default=False)
    moved_to: so.Mapped[datetime | None]
    format: so.Mapped[str | None] = so.mapped_column(sa.String(24))  # this meetup's own format
    revision: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


class Rsvp(Base):
    __tablename__ = "rsvp"
    __table_args__ = (
        sa.UniqueConstraint("series_id", "occurrence_key", "user_id"),
        sa.CheckConstraint("answer IN ('going', 'maybe', 'no')", name="answer"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    series_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("meetup_series.id", ondelete="CASCADE"), index=True
    )
    occurrence_key: so.Mapped[str] = so.mapped_column(sa.String(20))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    answer: so.Mapped[str] = so.mapped_column(sa.String(8))
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


class MeetupRun(Base):
    """A meetup that took place: the format it ran by and when it ended (nothing said is kept)."""

    __tablename__ = "meetup_run"
    __table_args__ = (sa.UniqueConstraint("series_id", "occurrence_key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    series_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("meetup_series.id", ondelete="CASCADE"), index=True
    )
    occurrence_key: so.Mapped[str] = so.mapped_column(sa.String(20))
    started_at: so.Mapped[datetime]
    format: so.Mapped[str] = so.mapped_column(sa.String(24))
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    recorded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class Attendance(Base):
    """Someone who was there."""

    __tablename__ = "attendance"
    __table_args__ = (sa.UniqueConstraint("run_id", "user_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    run_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("meetup_run.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )


class MeetupFeeling(Base):
    """One private tap after a meetup: how was it for you? The host sees counts only, from 3."""

    __tablename__ = "meetup_feeling"
    __table_args__ = (
        sa.UniqueConstraint("run_id", "user_id"),
        sa.CheckConstraint("feeling IN ('helped', 'neutral', 'hard')", name="feeling"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    run_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("meetup_run.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    feeling: so.Mapped[str] = so.mapped_column(sa.String(8))
    answered_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
