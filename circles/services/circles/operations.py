"""Circle actions: create, edit, invite, join with the agreement, leave, remove, host roles, close.

Each function is one thing a person does, with all it implies; it flushes, never commits.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from circles.models.base import DbSession, utcnow
from circles.models.checkin import CheckinSignal
from circles.models.circle import DEFAULT_CAP, Circle, Invite, Membership, Role
from circles.models.user import User
from circles.services.buddies import pairing as buddy_pairing
from circles.services.circles.invites import (
    DEFAULT_VALID_FOR,
    TOKEN_BYTES,
    InviteState,
    JoinRefused,
    NewInvite,
    _use,
    hash_token,
    state_of,
)
from circles.services.circles.membership import (
    LastHost,
    MembershipError,
    _host_count,
    add_member,
    free_seat,
    lock_circle,
    membership,
)
from circles.services.reach import operations as reach_actions
from circles.services.reminders.planning import plan_member
from circles.services.seasons.planning import joined_mid_season
from circles.services.seasons.queries import current as current_season
from circles.services.seasons.queries import held_seats


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


def leave(session: DbSession, member: Membership) -> None:
    """The member leaves; the last host cannot."""
    lock_circle(session, member.circle_id)
    if member.is_host and _host_count(session, member.circle_id) <= 1:
        raise LastHost()
    session.delete(member)
    session.flush()
    free_seat(session, member.circle_id)
    reach_actions.stop_sharing_in(session, member.user_id, member.circle_id)
    circle = session.get(Circle, member.circle_id)
    if circle is not None:
        buddy_pairing.regroup(session, circle, utcnow())
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


def create_invite(
    session: DbSession,
    circle: Circle,
    host: User,
    now: datetime,
    *,
    valid_for: timedelta = DEFAULT_VALID_FOR,
    single_use: bool = False,
) -> NewInvite:
    """A new invite link for the circle."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invite = Invite(
        circle_id=circle.id,
        token_hash=hash_token(token),
        created_by_id=host.id,
        created_at=now,
        expires_at=now + valid_for,
        max_uses=1 if single_use else None,
    )
    session.add(invite)
    session.flush()
    return NewInvite(invite, token)


def revoke_invite(session: DbSession, invite: Invite, now: datetime) -> None:
    """Withdraw an invite; its link stops working at once."""
    if invite.revoked_at is None:
        invite.revoked_at = now
        session.flush()


def join_circle(
    session: DbSession, invite: Invite, user: User, *, agreed: bool, now: datetime
) -> Membership:
    """Join the invite's circle; needs the agreement accepted, an open invite and a free seat."""
    existing = membership(session, invite.circle_id, user.id)
    if existing is not None:
        return existing
    if not agreed:
        raise MembershipError("To join, tick the box to accept the circle's agreement.")
    locked = lock_circle(session, invite.circle_id)
    # A double tap waited for the lock behind the first join: it finds that membership now.
    existing = membership(session, invite.circle_id, user.id)
    if existing is not None:
        return existing
    session.refresh(invite)
    state = state_of(invite, now)
    if state is not InviteState.OPEN:
        raise JoinRefused(state)
    season = current_season(session, invite.circle_id)
    if season is not None and season.invites_next_season_only:
        raise MembershipError(
            "This circle keeps its members for this season. Join the waitlist for the next one."
        )
    if locked.seats_left <= held_seats(session, invite.circle_id, now):
        raise JoinRefused(InviteState.FULL)  # the free seats are kept for people offered them
    if not _use(session, invite.id):
        raise JoinRefused(InviteState.USED_UP)
    try:
        joined = add_member(session, invite.circle_id, user, agreed_at=now)
    except MembershipError:
        raise JoinRefused(InviteState.FULL) from None
    circle = session.get(Circle, invite.circle_id)
    if circle is not None:
        buddy_pairing.regroup(session, circle, now)
    plan_member(session, user, [invite.circle_id], now)  # a meetup tomorrow reminds them too
    joined_mid_season(session, invite.circle_id, user, now)
    return joined


def set_missed_you_notes(session: DbSession, circle: Circle, on: bool) -> None:
    """A host turns the gentle "we missed you" note on or off for the circle."""
    circle.missed_you_notes = on
    session.flush()
