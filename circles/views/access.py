"""The one way views load circle-scoped objects: membership checked, 404 for outsiders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from flask import abort
from flask_login import current_user

from circles.extensions import db
from circles.models.circle import Circle, Membership
from circles.models.meetup import MeetupSeries
from circles.services.circles.membership import membership
from circles.services.meetups import series as meetups
from circles.services.meetups.series import Occurrence


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


class CircleScoped(Protocol):
    circle_id: Any


Scoped = TypeVar("Scoped", bound=CircleScoped)


def in_circle_or_404(model: type[Scoped], object_id: int, access: CircleAccess) -> Scoped:
    """An object of this circle by id; 404 when missing or from another circle."""
    found = db.session.get(model, object_id)
    if found is None or found.circle_id != access.circle.id:
        abort(404)
    return found


def occurrence_or_404(
    circle_id: int, series_id: int, key: str, *, host: bool = False
) -> tuple[CircleAccess, Occurrence]:
    """The circle access and the occurrence, or 404 (membership checked first)."""
    access = circle_or_404(circle_id, host=host)
    series = in_circle_or_404(MeetupSeries, series_id, access)
    occurrence = meetups.find_occurrence(db.session, series, key)
    if occurrence is None:
        abort(404)
    return access, occurrence
