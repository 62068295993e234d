"""Reach actions: add or remove a way to reach me, and share them with a circle or stop.

Each function is one thing a person does, with all it implies; it flushes, never commits.
"""

from __future__ import annotations

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.circle import Circle
from circles.models.reach import ReachShare, ReachWay
from circles.models.user import User
from circles.services.circles import membership
from circles.services.idempotent import add_once
from circles.services.reach.ways import ReachError, ReachKind, normalise

MAX_WAYS = 8


def add_way(session: DbSession, user: User, kind: ReachKind, value: str) -> ReachWay:
    """Add a way to reach the user, checked and normalised; adding the same again is a no-op."""
    stored = normalise(kind, value, user.time_zone)
    query = sa.select(ReachWay).where(
        ReachWay.user_id == user.id, ReachWay.kind == kind.value, ReachWay.value == stored
    )
    existing = session.scalar(query)
    if existing is not None:
        return existing
    count = session.scalar(
        sa.select(sa.func.count()).select_from(ReachWay).where(ReachWay.user_id == user.id)
    )
    if (count or 0) >= MAX_WAYS:
        raise ReachError(f"Up to {MAX_WAYS} ways: remove one first.")
    return add_once(
        session,
        ReachWay(user_id=user.id, kind=kind.value, value=stored),
        lambda: session.scalar(query),
    )


def remove_way(session: DbSession, way: ReachWay) -> None:
    """Remove one way to reach me, from every circle at once."""
    session.delete(way)
    session.flush()


def set_sharing(session: DbSession, user: User, circle: Circle, on: bool) -> None:
    """Share my ways to reach me with this circle's members, or stop."""
    share = session.get(ReachShare, (user.id, circle.id))
    if on and share is None:
        add_once(
            session,
            ReachShare(user_id=user.id, circle_id=circle.id),
            lambda: session.get(ReachShare, (user.id, circle.id)),
        )
    elif not on and share is not None:
        session.delete(share)
        session.flush()


def choose_circles(session: DbSession, user: User, chosen: set[int]) -> None:
    """Share my ways with exactly these of my circles, and stop sharing with the others."""
    for card in membership.circles_of(session, user):
        set_sharing(session, user, card.circle, card.circle.id in chosen)


def stop_sharing_in(session: DbSession, user_id: int, circle_id: int) -> None:
    """A member who leaves a circle no longer shares anything with it."""
    session.execute(
        sa.delete(ReachShare).where(
            ReachShare.user_id == user_id, ReachShare.circle_id == circle_id
        )
    )
