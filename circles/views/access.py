"""The one way views load circle-scoped objects: membership checked, 404 for outsiders."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_login import current_user

from circles.extensions import db
from circles.models.circle import Circle, Membership
from circles.services.membership import membership


@dataclass(frozen=True)
class CircleAccess:
    circle: Circle
    me: Membership


def circle_or_404(circle_id: int, *, host: bool = False) -> CircleAccess:
    """The circle and my membership; 404 unless I am a member, 403 if a host is needed."""
    mine = membership(db.session, circle_id, current_user.id)
    if mine is None:
        abort(404)  # never confirm to outsiders that the circle exists
    if host and not mine.is_host:
        abort(403)
    return CircleAccess(mine.circle, mine)


def member_or_404(access: CircleAccess, membership_id: int) -> Membership:
    """Another membership of the same circle, or 404."""
    other = db.session.get(Membership, membership_id)
    if other is None or other.circle_id != access.circle.id:
        abort(404)
    return other
