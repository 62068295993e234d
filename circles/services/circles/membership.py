"""Circle rules: creating, the agreement, seats, roles, leaving and closing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.circle import Circle, Membership, Role
from circles.models.user import User

DEFAULT_AGREEMENT = """\
What is said in the circle stays in the circle. We don't repeat it, not even without names.
We speak from our own experience ("I"), not about how others should be.
No advice unless someone asks for it. Listening is the help.
Anyone may pass, on any question, any time, without saying why.
We are on time, or we say so in advance."""


class MembershipError(ValueError):
    """A rule refused the change; the message is for the person who asked."""


class LastHost(MembershipError):
    def __init__(self) -> None:
        super().__init__(
            "A circle needs a host. Make someone else a host first, or close the circle."
        )


def lock_circle(session: DbSession, circle_id: int) -> Circle:
    """Load the circle with a row lock (PostgreSQL); SQLite holds its write lock already."""
    circle = session.scalar(
        sa.select(Circle)
        .where(Circle.id == circle_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if circle is None:
        raise MembershipError("That circle no longer exists.")
    return circle


def membership(session: DbSession, circle_id: int, user_id: int) -> Membership | None:
    """The user's membership of the circle, if any."""
    return session.scalar(
        sa.select(Membership).where(
            Membership.circle_id == circle_id, Membership.user_id == user_id
        )
    )


def take_seat(session: DbSession, circle_id: int) -> bool:
    """Claim a seat atomically; False when the circle is full."""
    # One conditional UPDATE: concurrent joins serialize on the row and the loser sees the cap.
    result = session.execute(
        sa.update(Circle)
        .where(Circle.id == circle_id, Circle.member_count < Circle.member_cap)
        .values(member_count=Circle.member_count + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def free_seat(session: DbSession, circle_id: int) -> None:
    """Give a seat back (one conditional UPDATE)."""
    session.execute(
        sa.update(Circle)
        .where(Circle.id == circle_id)
        .values(member_count=Circle.member_count - 1)
        .execution_options(synchronize_session=False)
    )


def add_member(session: DbSession, circle_id: int, user: User, agreed_at: datetime) -> Membership:
    """Seat the user in the circle; raises MembershipError when it is full."""
    if not take_seat(session, circle_id):
        raise MembershipError("This circle is full.")
    member = Membership(
        circle_id=circle_id, user_id=user.id, role=Role.MEMBER.value, agreed_at=agreed_at
    )
    session.add(member)
    session.flush()
    return member


def _host_count(session: DbSession, circle_id: int) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Membership)
            .where(Membership.circle_id == circle_id, Membership.role == Role.HOST.value)
        )
        or 0
    )


def can_step_down(session: DbSession, circle_id: int) -> bool:
    """Whether a host could step down: another host remains."""
    return _host_count(session, circle_id) > 1


@dataclass(frozen=True)
class CircleCard:
    circle: Circle
    membership: Membership


def circles_of(session: DbSession, user: User) -> list[CircleCard]:
    """The user's circles, newest membership first (one query)."""
    rows = session.execute(
        sa.select(Circle, Membership)
        .join(Membership, Membership.circle_id == Circle.id)
        .where(Membership.user_id == user.id)
        .order_by(Membership.joined_at.desc(), Circle.id.desc())
    ).all()
    return [CircleCard(circle, member) for circle, member in rows]


def members_of(session: DbSession, circle_id: int) -> list[tuple[Membership, User]]:
    """The circle's members with their accounts, hosts first, then by name (one query)."""
    rows = session.execute(
        sa.select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.circle_id == circle_id)
        .order_by(
            sa.case((Membership.role == Role.HOST.value, 0), else_=1),
            sa.func.lower(User.display_name),
        )
    ).all()
    return [(member, user) for member, user in rows]
