"""Who can be reached how: my own ways, and what each member shares with a circle."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.circle import Membership
from circles.models.reach import ReachShare, ReachWay
from circles.models.user import User
from circles.services.reach.ways import Action, ReachKind, actions, shown


@dataclass(frozen=True)
class Way:
    """One way to reach someone, as a page shows it."""

    id: int
    kind: ReachKind
    shown: str
    actions: list[Action]


def _way(row: ReachWay) -> Way:
    kind = ReachKind(row.kind)
    return Way(row.id, kind, shown(kind, row.value), actions(kind, row.value))


def mine(session: DbSession, user: User) -> list[Way]:
    """The user's own ways to reach them, in the order added."""
    rows = session.scalars(
        sa.select(ReachWay).where(ReachWay.user_id == user.id).order_by(ReachWay.id)
    )
    return [_way(row) for row in rows]


def shared_circles(session: DbSession, user: User) -> set[int]:
    """The circles the user shares their ways with."""
    return set(
        session.scalars(sa.select(ReachShare.circle_id).where(ReachShare.user_id == user.id))
    )


def shared_in(session: DbSession, circle_ids: Iterable[int]) -> dict[int, dict[int, list[Way]]]:
    """What each current member shares with these circles, by circle id then user id (one query)."""
    ids = set(circle_ids)
    if not ids:
        return {}
    rows = session.execute(
        sa.select(ReachShare.circle_id, ReachWay)
        .join(ReachWay, ReachWay.user_id == ReachShare.user_id)
        .join(
            Membership,
            sa.and_(
                Membership.user_id == ReachShare.user_id,
                Membership.circle_id == ReachShare.circle_id,
            ),
        )
        .where(ReachShare.circle_id.in_(ids))
        .order_by(ReachWay.id)
    )
    found: dict[int, dict[int, list[Way]]] = defaultdict(lambda: defaultdict(list))
    for circle_id, row in rows:
        found[circle_id][row.user_id].append(_way(row))
    return {circle_id: dict(people) for circle_id, people in found.items()}


def find_mine(session: DbSession, user: User, way_id: int) -> ReachWay:
    """One of the user's own ways; LookupError for anyone else's."""
    way = session.get(ReachWay, way_id)
    if way is None or way.user_id != user.id:
        raise LookupError(way_id)
    return way
