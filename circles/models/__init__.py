"""Typed SQLAlchemy models, one module per domain."""

from circles.models.base import Base
from circles.models.circle import Circle, Invite, Membership, Role
from circles.models.meetup import Answer, MeetupSeries, OccurrenceChange, Rsvp
from circles.models.user import User

__all__ = [
    "Answer",
    "Base",
    "Circle",
    "Invite",
    "MeetupSeries",
    "Membership",
    "OccurrenceChange",
    "Role",
    "Rsvp",
    "User",
]
