"""Rotating buddy pairs and the circle safety pulse."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import Base, utcnow


class BuddyRound(Base):
    """One period's buddy groups in a circle, e.g. "1,2;3,4,5" (user ids)."""

    __tablename__ = "buddy_round"
    __table_args__ = (sa.UniqueConstraint("circle_id", "period_index"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    circle_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("circle.id", ondelete="CASCADE"), index=True
    )
    period_index: so.Mapped[int]
    round_index: so.Mapped[int]
    # The members in rotation order when this round was made; a change restarts the cycle.
    roster: so.Mapped[str] = so.mapped_column(sa.String(200))
    groups: so.Mapped[str] = so.mapped_column(sa.String(200))
    starts_on: so.Mapped[date]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    def group_list(self) -> list[tuple[int, ...]]:
        return [tuple(int(i) for i in g.split(",")) for g in self.groups.split(";") if g]


class BuddyMeeting(Base):
    """A member's answer, a week into a pairing, to "did you and your buddy meet?"."""

    __tablename__ = "buddy_meeting"
    __table_args__ = (sa.UniqueConstraint("round_id", "user_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("buddy_round.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    answer: so.Mapped[str] = so.mapped_column(sa.String(8))  # yes, not_yet, skip
    answered_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class PulseResponse(Base):
    """One member's answers to the 7 safety items for one month; only aggregates are shown."""

    __tablename__ = "pulse_response"
    __table_args__ = (sa.UniqueConstraint("circle_id", "user_id", "month"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    circle_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("circle.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    month: so.Mapped[date]
    answers: so.Mapped[str] = so.mapped_column(sa.String(20))  # "7,6,2,..." in item order
    answered_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    def answer_list(self) -> list[int]:
        return [int(a) for a in self.answers.split(",")]
