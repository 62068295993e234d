"""Ways to reach a member, and the circles each member shares them with."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import Base, utcnow

REACH_VALUE_MAX = 300


class ReachWay(Base):
    """One way to reach a user: a kind (phone, email, Signal, ...) and its normalised value."""

    __tablename__ = "reach_way"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", "value"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    value: so.Mapped[str] = so.mapped_column(sa.String(REACH_VALUE_MAX))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class ReachShare(Base):
    """The user shares all their ways to reach them with this circle's members."""

    __tablename__ = "reach_share"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    circle_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("circle.id", ondelete="CASCADE"), primary_key=True, index=True
    )
