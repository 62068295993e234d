"""Check-ins between peers: an opt-in signal to one circle, answers to it, and closed loops."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import Base, utcnow
from circles.models.user import User


class SignalKind(enum.StrEnum):
    CHECKIN = "checkin"  # "I could use a check-in"
    MEETUP_TIME = "meetup_time"  # "I'd like some time at the next meetup"


class CheckinSignal(Base):
    """A member's opt-in signal to one circle, until it expires or they withdraw it."""

    __tablename__ = "checkin_signal"
    __table_args__ = (sa.UniqueConstraint("circle_id", "user_id", "kind"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    circle_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("circle.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(16), default=SignalKind.CHECKIN.value)
    raised_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime]
    withdrawn_at: so.Mapped[datetime | None]

    user: so.Mapped[User] = so.relationship()

    def active(self, now: datetime) -> bool:
        return self.withdrawn_at is None and self.expires_at > now


class SignalAnswer(Base):
    """A peer's "I'll reach out" to a signal."""

    __tablename__ = "signal_answer"
    __table_args__ = (sa.UniqueConstraint("signal_id", "user_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    signal_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("checkin_signal.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    answered_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    user: so.Mapped[User] = so.relationship()


class CheckinRecord(Base):
    """ "I checked in with X": closes the loop."""

    __tablename__ = "checkin_record"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    circle_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("circle.id", ondelete="CASCADE"), index=True
    )
    by_user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    with_user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    recorded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
