"""Circle rules: creating, the agreement, seats, roles, leaving and closing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from circles.models.base import DbSession, utcnow
from circles.models.checkin import CheckinSignal
from circles.models.circle import DEFAULT_CAP, Circle, Membership, Role
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


def create_circle(
    session: DbSession,
    creator: User,
    *,
    name: str,
    purpose: str,
    member_cap: int = DEFAULT_CAP,
    time_zone: str,
    agreement: str,
) -> Circle:
    """A new circle with its creator as host (who accepts the agreement they wrote)."""
    now = utcnow()
    circle = Circle(
        name=name.strip(),
        purpose=purpose.strip(),
        member_cap=member_cap,
        member_count=1,
        time_zone=time_zone,
        agreement=agreement.strip(),
        created_by_id=creator.id,
    )
    session.add(circle)
    session.flush()
    session.add(
        Membership(circle_id=circle.id, user_id=creator.id, role=Role.HOST.value, agreed_at=now)
    )
    session.flush()
    return circle


def update_circle(
    session: DbSession,
    circle: Circle,
    *,
    name: str,
    purpose: str,
    member_cap: int,
    time_zone: str,
    agreement: str,
) -> None:
    """Edit a circle; the cap never drops below the members it already has."""
    locked = lock_circle(session, circle.id)
    if member_cap < locked.member_count:
        raise MembershipError(
            f"The circle has {locked.member_count} members, so the cap can't be lower than that."
        )
    locked.name, locked.purpose = name.strip(), purpose.strip()
    locked.member_cap, locked.time_zone, locked.agreement = member_cap, time_zone, agreement.strip()
    session.flush()


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


def leave(session: DbSession, member: Membership) -> None:
    """The member leaves; the last host cannot."""
    lock_circle(session, member.circle_id)
    if member.is_host and _host_count(session, member.circle_id) <= 1:
        raise LastHost()
    session.delete(member)
    session.flush()
    free_seat(session, member.circle_id)
    # A member who left no longer asks this circle for anything.
    session.execute(
        sa.update(CheckinSignal)
        .where(
            CheckinSignal.circle_id == member.circle_id,
            CheckinSignal.user_id == member.user_id,
            CheckinSignal.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def remove_member(session: DbSession, member: Membership) -> None:
    """A host removes someone (another host too, as long as a host remains)."""
    leave(session, member)


def make_host(session: DbSession, member: Membership) -> None:
    """Give a member the host role."""
    member.role = Role.HOST.value
    session.flush()


def step_down(session: DbSession, member: Membership) -> None:
    """A host becomes a member again, unless they are the last host."""
    lock_circle(session, member.circle_id)
    if _host_count(session, member.circle_id) <= 1:
        raise LastHost()
    member.role = Role.MEMBER.value
    session.flush()


def close_circle(session: DbSession, circle: Circle) -> None:
    """Remove the circle and everything in it, for everyone."""
    session.delete(circle)
    session.flush()


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
