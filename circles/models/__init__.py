"""Typed SQLAlchemy models, one module per domain."""

from circles.models.base import Base
from circles.models.circle import Circle, Invite, Membership, Role
from circles.models.meetup import Answer, MeetupSeries, OccurrenceChange, Rsvp
from circles.models.prompt import (
    DeckPrompt,
    LibraryPrompt,
    PrepNote,
    PromptAssignment,
    PromptVote,
)
from circles.models.user import User

__all__ = [
    "Answer",
    "Base",
    "Circle",
    "DeckPrompt",
    "Invite",
    "LibraryPrompt",
    "MeetupSeries",
    "Membership",
    "OccurrenceChange",
    "PrepNote",
    "PromptAssignment",
    "PromptVote",
    "Role",
    "Rsvp",
    "User",
]
