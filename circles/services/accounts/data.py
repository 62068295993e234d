"""A user's own data: export it all as JSON, or delete the account."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.buddy import BuddyRound, PulseResponse
from circles.models.checkin import CheckinRecord, CheckinSignal
from circles.models.circle import Circle, Membership, Role
from circles.models.load import BurnoutCheck, LoadEntry
from circles.models.meetup import Attendance, MeetupRun, Rsvp
from circles.models.notification import Notification
from circles.models.presenting import PresenterNote, PresenterPrep
from circles.models.prompt import DeckPrompt, PrepNote, PromptAssignment, PromptVote
from circles.models.push import PushSubscription
from circles.models.reach import ReachShare, ReachWay
from circles.models.season import SeasonMember, SeasonWaitlist
from circles.models.user import User
from circles.services.circles.membership import free_seat, lock_circle
from circles.services.meetups import rotation


class AccountError(ValueError):
    """Refused; the message is for the user, shown under `field` on a form."""

    def __init__(self, message: str, field: str = "password") -> None:
        super().__init__(message)
        self.field = field


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _rows(
    session: DbSession, model: Any, *where: Any, fields: tuple[str, ...]
) -> list[dict[str, Any]]:
    return [
        {name: _plain(getattr(row, name)) for name in fields}
        for row in session.scalars(sa.select(model).where(*where))
    ]


# What an export holds beyond the profile and circles: (key, model, owner column, filters, fields).
_EXPORTED: list[tuple[str, Any, str, tuple[Any, ...], tuple[str, ...]]] = [
    (
        "load_entries",
        LoadEntry,
        "user_id",
        (),
        ("local_date", "intensity", "minutes", "tags", "logged_at"),
    ),
    ("rsvps", Rsvp, "user_id", (), ("series_id", "occurrence_key", "answer", "updated_at")),
    (
        "prompts_written",
        DeckPrompt,
        "author_id",
        (DeckPrompt.library_key.is_(None),),
        ("circle_id", "text", "anonymous", "created_at"),
    ),
    ("prompt_votes", PromptVote, "user_id", (), ("prompt_id",)),
    ("prep_notes", PrepNote, "user_id", (), ("series_id", "occurrence_key", "body", "updated_at")),
    (
        "checkin_signals",
        CheckinSignal,
        "user_id",
        (),
        ("circle_id", "kind", "raised_at", "expires_at", "withdrawn_at"),
    ),
    (
        "checkins_recorded",
        CheckinRecord,
        "by_user_id",
        (),
        ("circle_id", "with_user_id", "recorded_at"),
    ),
    ("pulse_answers", PulseResponse, "user_id", (), ("circle_id", "month", "answers")),
    (
        "notifications",
        Notification,
        "user_id",
        (),
        ("kind", "body", "due_at", "status", "sent_at", "read_at"),
    ),
    ("devices", PushSubscription, "user_id", (), ("device", "created_at", "last_success_at")),
    ("ways_to_reach_me", ReachWay, "user_id", (), ("kind", "value", "created_at")),
    ("burnout_checks", BurnoutCheck, "user_id", (), ("answer", "checked_at")),
    ("ways_shared_with_circles", ReachShare, "user_id", (), ("circle_id",)),
    (
        "prep_to_present",
        PresenterPrep,
        "user_id",
        (),
        (
            "series_id",
            "occurrence_key",
            "situation",
            "meaning",
            "tried",
            "wanted",
            "not_wanted",
            "on_screen",
            "updated_at",
        ),
    ),
    # Notes written for me when I presented (the notes I wrote are the presenter's, not mine).
    (
        "notes_for_me_as_presenter",
        PresenterNote,
        "presenter_id",
        (),
        ("series_id", "occurrence_key", "body", "created_at"),
    ),
    # Which seasons they were in and their private answer for the next one.
    (
        "seasons",
        SeasonMember,
        "user_id",
        (),
        ("season_id", "joined_on", "choice", "answered_at"),
    ),
    ("season_waitlists", SeasonWaitlist, "user_id", (), ("circle_id", "added_at", "offered_at")),
]


def export(session: DbSession, user: User) -> dict[str, Any]:
    """Everything the user wrote or chose, and nothing anyone else wrote."""
    circles = session.execute(
        sa.select(Circle.name, Membership.role, Membership.joined_at, Membership.agreed_at)
        .join(Membership, Membership.circle_id == Circle.id)
        .where(Membership.user_id == user.id)
    ).all()
    return {
        "format": "circles-export/1",
        "profile": {
            name: _plain(getattr(user, name))
            for name in (
                "email",
                "display_name",
                "time_zone",
                "quiet_start",
                "quiet_end",
                "typical_week",
                "load_threshold",
                "arc_started_on",
                "reminders_off",
                "created_at",
            )
        },
        "circles": [
            {"name": name, "role": role, "joined_at": _plain(joined), "agreed_at": _plain(agreed)}
            for name, role, joined, agreed in circles
        ],
        **{
            name: _rows(session, model, getattr(model, owner) == user.id, *extra, fields=fields)
            for name, model, owner, extra, fields in _EXPORTED
        },
    }


def erase_account(session: DbSession, user: User) -> None:
    """Delete the account and everything that is only theirs; circles they alone are in close."""
    mine = session.execute(
        sa.select(Membership, Circle)
        .join(Circle, Circle.id == Membership.circle_id)
        .where(Membership.user_id == user.id)
    ).all()
    for member, unlocked in mine:
        circle = lock_circle(session, unlocked.id)
        if circle.member_count <= 1:
            session.delete(circle)
            continue
        if member.role == Role.HOST.value:
            hosts = session.scalar(
                sa.select(sa.func.count())
                .select_from(Membership)
                .where(Membership.circle_id == circle.id, Membership.role == Role.HOST.value)
            )
            if (hosts or 0) <= 1:
                raise AccountError(
                    f"You're the only host of {circle.name}. Make someone else a host, or close "
                    "the circle, before deleting your account."
                )
        free_seat(session, circle.id)
    session.flush()
    _forget_prompts(session, user)
    _forget_in_buddy_rounds(session, user)
    # Their answers and attendance go with them (ON DELETE CASCADE): those histories change.
    answered = sa.select(Rsvp.series_id).where(Rsvp.user_id == user.id)
    attended = (
        sa.select(MeetupRun.series_id)
        .join(Attendance, Attendance.run_id == MeetupRun.id)
        .where(Attendance.user_id == user.id)
    )
    rotation.history_changed(session, session.scalars(sa.union(answered, attended)))
    session.delete(user)
    session.flush()


LEFT_PROMPT = "A prompt from someone who has left"


def _forget_prompts(session: DbSession, user: User) -> None:
    """The prompts they wrote leave every deck; meetups that used one keep no words of it."""
    written = sa.select(DeckPrompt.id).where(DeckPrompt.author_id == user.id)
    session.execute(
        sa.update(PromptAssignment)
        .where(PromptAssignment.prompt_id.in_(written))
        .values(text=LEFT_PROMPT, prompt_id=None),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        sa.delete(PromptVote).where(PromptVote.prompt_id.in_(written)),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        sa.delete(DeckPrompt).where(DeckPrompt.author_id == user.id),
        execution_options={"synchronize_session": False},
    )


def _forget_in_buddy_rounds(session: DbSession, user: User) -> None:
    """Their id leaves every buddy round's roster and groups (a round restarts without them)."""
    # contains() only narrows the rows down; the exact ids are compared in without_member.
    rounds = session.scalars(sa.select(BuddyRound).where(BuddyRound.roster.contains(str(user.id))))
    for row in rounds:
        row.roster = _without(row.roster, user.id)
        groups = (_without(group, user.id) for group in row.groups.split(";"))
        row.groups = ";".join(group for group in groups if group)


def _without(ids: str, user_id: int) -> str:
    """A comma-separated list of ids (e.g. "3,7,12") without ``user_id``."""
    return ",".join(i for i in ids.split(",") if i and int(i) != user_id)
