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


class RequestWay(enum.StrEnum):
    CALL = "call"
    COFFEE = "coffee"
    MESSAGE = "message"


class RequestState(enum.StrEnum):
    OPEN = "open"  # waiting for the other person
    ACCEPTED = "accepted"  # one of the times was taken
    NOT_NOW = "not_now"  # the other person said "not now"
    COUNTERED = "countered"  # the other person proposed other times (a new request)
    WITHDRAWN = "withdrawn"  # the person who asked took it back


class CheckinRequest(Base):
    """A proposed check-in between two members of a circle, with up to three times."""

    __tablename__ = "checkin_request"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    circle_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("circle.id", ondelete="CASCADE"), index=True
    )
    from_user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    to_user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    way: so.Mapped[str] = so.mapped_column(sa.String(16))
    first_time: so.Mapped[datetime]
    second_time: so.Mapped[datetime | None]
    third_time: so.Mapped[datetime | None]
    accepted_time: so.Mapped[datetime | None]
    state: so.Mapped[str] = so.mapped_column(sa.String(16), default=RequestState.OPEN.value)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    answered_at: so.Mapped[datetime | None]

    from_user: so.Mapped[User] = so.relationship(foreign_keys=[from_user_id])
    to_user: so.Mapped[User] = so.relationship(foreign_keys=[to_user_id])

    @property
    def times(self) -> list[datetime]:
        """The proposed times, in the order given."""
        return [t for t in (self.first_time, self.second_time, self.third_time) if t is not None]
