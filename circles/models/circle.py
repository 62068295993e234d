"""Circles, who belongs to them, and invites."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import Base, utcnow
from circles.models.user import User

MIN_CAP, MAX_CAP, DEFAULT_CAP = 3, 10, 8


class Role(enum.StrEnum):
    HOST = "host"
    MEMBER = "member"


class Circle(Base):
    __tablename__ = "circle"
    __table_args__ = (
        sa.CheckConstraint(f"member_cap BETWEEN {MIN_CAP} AND {MAX_CAP}", name="member_cap_range"),
        # The seat limit lives in the database: a join that would pass the cap cannot be stored.
        sa.CheckConstraint("member_count >= 0 AND member_count <= member_cap", name="seats"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    purpose: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    member_cap: so.Mapped[int] = so.mapped_column(default=DEFAULT_CAP)
    member_count: so.Mapped[int] = so.mapped_column(default=0)
    agreement: so.Mapped[str] = so.mapped_column(sa.Text())
    time_zone: so.Mapped[str] = so.mapped_column(sa.String(64))
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # When on, the next meetup gets the deck's most wanted prompt not used yet.
    rotate_prompts: so.Mapped[bool] = so.mapped_column(default=False)
    # Rotating buddy pairs: on or off, how long a pairing lasts, and when the first one began.
    buddies_on: so.Mapped[bool] = so.mapped_column(default=False)
    # One gentle "we missed you" to a member who missed two meetups in a row; hosts may turn it off.
    missed_you_notes: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    buddy_period_days: so.Mapped[int] = so.mapped_column(default=14)
    buddies_started_on: so.Mapped[date | None]

    memberships: so.WriteOnlyMapped[Membership] = so.relationship(
        back_populates="circle", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def seats_left(self) -> int:
        return max(self.member_cap - self.member_count, 0)

    def __repr__(self) -> str:
        return f"<Circle {self.id}>"


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (
        sa.UniqueConstraint("circle_id", "user_id"),
        sa.CheckConstraint("role IN ('host', 'member')", name="role"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    circle_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("circle.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    role: so.Mapped[str] = so.mapped_column(sa.String(10), default=Role.MEMBER.value)
    agreed_at: so.Mapped[datetime]
    joined_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    circle: so.Mapped[Circle] = so.relationship(back_populates="memberships")
    user: so.Mapped[User] = so.relationship()

    @property
    def is_host(self) -> bool:
        return self.role == Role.HOST.value


class Invite(Base):
    __tablename__ = "invite"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    circle_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("circle.id", ondelete="CASCADE"), index=True
    )
    # Only a hash of the link's token is kept: a database leak opens no circle.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime]
    max_uses: so.Mapped[int | None]
    use_count: so.Mapped[int] = so.mapped_column(default=0)
    revoked_at: so.Mapped[datetime | None]

    circle: so.Mapped[Circle] = so.relationship()
