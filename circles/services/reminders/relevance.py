"""Whether a queued reminder still makes sense at the moment it would go out."""

from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.buddy import BuddyMeeting, BuddyRound
from circles.models.checkin import CheckinRequest, RequestState
from circles.models.meetup import MeetupSeries, Rsvp
from circles.models.notification import Notification
from circles.services.circles.membership import membership
from circles.services.meetups import series as meetups
from circles.services.reminders.kinds import Kind

MEETUP_KINDS = frozenset({Kind.meetup_soon.value, Kind.meetup_hour.value, Kind.rsvp_nudge.value})
_CIRCLE_URL = re.compile(r"^/circles/(\d+)(?:/|$)")


def meetup_dedupe_key(kind: Kind, user_id: int, occurrence: meetups.Occurrence) -> str:
    """Per user, occurrence and start time: a moved meetup gets reminders for its new time."""
    return (
        f"{kind.value}:{user_id}:{occurrence.series.id}:{occurrence.key}:"
        f"{occurrence.start:%Y%m%dT%H%M}"
    )


def still_relevant(session: DbSession, note: Notification, now: datetime) -> bool:
    """False for a reminder about a circle the user left, or a meetup cancelled, moved or past."""
    circle = _CIRCLE_URL.match(note.url)
    if circle and membership(session, int(circle.group(1)), note.user_id) is None:
        return False
    if note.kind == Kind.checkin_soon.value:
        return _checkin_still_on(session, note.dedupe_key)
    if note.kind == Kind.buddy_met.value:
        return _pairing_unanswered(session, note.dedupe_key)
    if note.kind not in MEETUP_KINDS:
        return True
    _kind, _user, series_id, key, start = note.dedupe_key.split(":")
    series = session.get(MeetupSeries, int(series_id))
    occurrence = meetups.find_occurrence(session, series, key) if series else None
    if occurrence is None or occurrence.cancelled or occurrence.start <= now:
        return False
    if f"{occurrence.start:%Y%m%dT%H%M}" != start:
        return False  # moved: the reminder for the new time has its own key
    if note.kind == Kind.rsvp_nudge.value:
        return not _has_answered(session, int(series_id), key, note.user_id)
    return True


def _has_answered(session: DbSession, series_id: int, key: str, user_id: int) -> bool:
    return (
        session.scalar(
            sa.select(Rsvp.id).where(
                Rsvp.series_id == series_id, Rsvp.occurrence_key == key, Rsvp.user_id == user_id
            )
        )
        is not None
    )


def _checkin_still_on(session: DbSession, dedupe_key: str) -> bool:
    """An agreed check-in reminder goes out only while it is agreed for that same time."""
    _kind, request_id, _user, when = dedupe_key.split(":")
    request = session.get(CheckinRequest, int(request_id))
    return (
        request is not None
        and request.state == RequestState.ACCEPTED.value
        and request.accepted_time is not None
        and f"{request.accepted_time:%Y%m%dT%H%M}" == when
    )


def _pairing_unanswered(session: DbSession, dedupe_key: str) -> bool:
    """Ask whether buddies met only while that pairing is current and unanswered."""
    _kind, user_id, round_id = dedupe_key.split(":")[:3]
    asked = session.get(BuddyRound, int(round_id))
    if asked is None:
        return False
    newest = session.scalar(
        sa.select(sa.func.max(BuddyRound.period_index)).where(
            BuddyRound.circle_id == asked.circle_id
        )
    )
    answered = session.scalar(
        sa.select(BuddyMeeting.id).where(
            BuddyMeeting.round_id == asked.id, BuddyMeeting.user_id == int(user_id)
        )
    )
    return newest == asked.period_index and answered is None
