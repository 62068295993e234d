"""Invite links: made by hosts, stored hashed, and the join that needs the agreement."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.circle import Invite
from circles.services.circles.membership import MembershipError

DEFAULT_VALID_FOR = timedelta(days=7)
TOKEN_BYTES = 24  # 192 bits


class InviteState(enum.Enum):
    OPEN = "open"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED_UP = "used up"
    FULL = "full"


# Plain words for each state; only the circle's name is shown with them.
STATE_MESSAGES = {
    InviteState.EXPIRED: "This invite has expired. Ask the host for a new link.",
    InviteState.REVOKED: "This invite was withdrawn by the host. Ask them for a new link.",
    InviteState.USED_UP: "This invite has already been used. Ask the host for a new link.",
    InviteState.FULL: "This circle is full right now, so the invite can't be used.",
}


class JoinRefused(MembershipError):
    def __init__(self, state: InviteState) -> None:
        super().__init__(STATE_MESSAGES[state])
        self.state = state


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewInvite:
    invite: Invite
    token: str  # shown once, to the host who made it


def find_invite(session: DbSession, token: str) -> Invite | None:
    """The invite this link's token opens, in any state."""
    if not token or len(token) > 100:
        return None
    return session.scalar(sa.select(Invite).where(Invite.token_hash == hash_token(token)))


def state_of(invite: Invite, now: datetime) -> InviteState:
    """Whether the invite can be used now, and if not, why."""
    if invite.revoked_at is not None:
        return InviteState.REVOKED
    if invite.expires_at <= now:
        return InviteState.EXPIRED
    if invite.max_uses is not None and invite.use_count >= invite.max_uses:
        return InviteState.USED_UP
    if invite.circle.member_count >= invite.circle.member_cap:
        return InviteState.FULL
    return InviteState.OPEN


def open_invites(session: DbSession, circle_id: int, now: datetime) -> list[Invite]:
    """Invites not revoked and not expired, newest first."""
    return list(
        session.scalars(
            sa.select(Invite)
            .where(
                Invite.circle_id == circle_id,
                Invite.revoked_at.is_(None),
                Invite.expires_at > now,
            )
            .order_by(Invite.created_at.desc(), Invite.id.desc())
        )
    )


def listed(session: DbSession, circle_id: int, now: datetime) -> tuple[list[Invite], list[Invite]]:
    """The open invites split for the host: links that still work, and links used up."""
    shown = open_invites(session, circle_id, now)
    used = [invite for invite in shown if state_of(invite, now) is InviteState.USED_UP]
    return [invite for invite in shown if invite not in used], used


def _use(session: DbSession, invite_id: int) -> bool:
    # Counted with a conditional UPDATE, so a single-use link admits exactly one person.
    result = session.execute(
        sa.update(Invite)
        .where(
            Invite.id == invite_id,
            sa.or_(Invite.max_uses.is_(None), Invite.use_count < Invite.max_uses),
        )
        .values(use_count=Invite.use_count + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
