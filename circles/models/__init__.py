"""Typed SQLAlchemy models, one module per domain."""

from circles.models.base import Base
from circles.models.buddy import BuddyMeeting, BuddyRound, PulseResponse
from circles.models.checkin import (
    CheckinRecord,
    CheckinRequest,
    CheckinSignal,
    RequestState,
    RequestWay,
    SignalAnswer,
    SignalKind,
)
from circles.models.circle import Circle, Invite, Membership, Role
from circles.models.load import BurnoutCheck, LoadEntry
from circles.models.meetup import (
    Answer,
    Attendance,
    MeetupFeeling,
    MeetupRun,
    MeetupSeries,
    OccurrenceChange,
    Rsvp,
)
from circles.models.monitoring import WorkerHeartbeat
from circles.models.notification import Notification, PlanningMark, Status
from circles.models.presenting import (
    MeetupPresenter,
    PresenterNote,
    PresenterPrep,
    PresenterState,
)
from circles.models.prompt import (
    DeckPrompt,
    LibraryPrompt,
    PrepNote,
    PromptAssignment,
    PromptVote,
)
from circles.models.push import PushSubscription
from circles.models.reach import ReachShare, ReachWay
from circles.models.season import Season, SeasonMember, SeasonWaitlist
from circles.models.user import User

__all__ = [
    "Answer",
    "Attendance",
    "Base",
    "BuddyMeeting",
    "BuddyRound",
    "BurnoutCheck",
    "CheckinRecord",
    "CheckinRequest",
    "CheckinSignal",
    "Circle",
    "DeckPrompt",
    "Invite",
    "LibraryPrompt",
    "LoadEntry",
    "MeetupFeeling",
    "MeetupPresenter",
    "MeetupRun",
    "MeetupSeries",
    "Membership",
    "Notification",
    "OccurrenceChange",
    "PlanningMark",
    "PrepNote",
    "PresenterNote",
    "PresenterPrep",
    "PresenterState",
    "PromptAssignment",
    "PromptVote",
    "PulseResponse",
    "PushSubscription",
    "ReachShare",
    "ReachWay",
    "RequestState",
    "RequestWay",
    "Role",
    "Rsvp",
    "Season",
    "SeasonMember",
    "SeasonWaitlist",
    "SignalAnswer",
    "SignalKind",
    "Status",
    "User",
    "WorkerHeartbeat",
]
