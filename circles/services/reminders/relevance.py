"""Whether queued reminders still make sense at the moment they would go out (a batch at once)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.buddy import BuddyMeeting, BuddyRound
from circles.models.checkin import CheckinRequest, RequestState
from circles.models.circle import Membership
from circles.models.meetup import MeetupSeries, OccurrenceChange, Rsvp
from circles.models.notification import Notification
from circles.models.season import Season, SeasonMember, SeasonWaitlist
from circles.services.meetups import recurrence
from circles.services.meetups import series as meetups
from circles.services.reminders.kinds import Kind

MEETUP_KINDS = frozenset({Kind.meetup_soon.value, Kind.meetup_hour.value, Kind.rsvp_nudge.value})
SEASON_KINDS = frozenset(
    {Kind.season_recommit.value, Kind.season_checkin.value, Kind.season_seat.value}
)
_CIRCLE_URL = re.compile(r"^/circles/(\d+)(?:/|$)")


def meetup_dedupe_key(kind: Kind, user_id: int, occurrence: meetups.Occurrence) -> str:
    """Per user, occurrence and start time: a moved meetup gets reminders for its new time."""
    return (
        f"{kind.value}:{user_id}:{occurrence.series.id}:{occurrence.key}:"
        f"{occurrence.start:%Y%m%dT%H%M}"
    )


@dataclass(frozen=True)
class _MeetupRef:
    series_id: int
    key: str
    start: str  # the start the reminder was planned for, as in its dedupe key


def _meetup_ref(note: Notification) -> _MeetupRef | None:
    if note.kind not in MEETUP_KINDS:
        return None
    parts = note.dedupe_key.split(":")
    if len(parts) != 5 or not parts[2].isdigit():
        return _MeetupRef(0, "", "")  # not one we planned: no series has it, so it is dropped
    _kind, _user, series_id, key, start = parts
    return _MeetupRef(int(series_id), key, start)


def _circle_of(note: Notification) -> int | None:
    found = _CIRCLE_URL.match(note.url)
    return int(found.group(1)) if found else None


class _Facts:
    """What the batch's reminders depend on, read with one query per kind of fact."""

    def __init__(self, session: DbSession, notes: Sequence[Notification]) -> None:
        circles = {c for c in map(_circle_of, notes) if c is not None}
        refs = [ref for ref in map(_meetup_ref, notes) if ref is not None]
        users = {note.user_id for note in notes}
        self.members: set[tuple[int, int]] = set()
        self.series: dict[int, MeetupSeries] = {}
        self.changes: dict[tuple[int, str], OccurrenceChange] = {}
        self.answered: set[tuple[int, str, int]] = set()
        if circles:
            rows = session.execute(
                sa.select(Membership.circle_id, Membership.user_id).where(
                    Membership.circle_id.in_(circles), Membership.user_id.in_(users)
                )
            )
            self.members = {(circle_id, user_id) for circle_id, user_id in rows}
        if not refs:
            return
        series_ids, keys = {r.series_id for r in refs}, {r.key for r in refs}
        self.series = {
            s.id: s
            for s in session.scalars(sa.select(MeetupSeries).where(MeetupSeries.id.in_(series_ids)))
        }
        self.changes = {
            (c.series_id, c.occurrence_key): c
            for c in session.scalars(
                sa.select(OccurrenceChange).where(
                    OccurrenceChange.series_id.in_(series_ids),
                    OccurrenceChange.occurrence_key.in_(keys),
                )
            )
        }
        answers = session.execute(
            sa.select(Rsvp.series_id, Rsvp.occurrence_key, Rsvp.user_id).where(
                Rsvp.series_id.in_(series_ids),
                Rsvp.occurrence_key.in_(keys),
                Rsvp.user_id.in_(users),
            )
        )
        self.answered = {(series_id, key, user_id) for series_id, key, user_id in answers}

    def start_of(self, ref: _MeetupRef) -> datetime | None:
        """The occurrence's start as it is now; None if cancelled or no longer in its series."""
        series = self.series.get(ref.series_id)
        try:
            original = recurrence.occurrence_from_key(ref.key)
        except ValueError:
            return None
        if series is None or recurrence.occurrences(
            series.rrule,
            series.start_local,
            series.time_zone,
            original,
            original + timedelta(seconds=1),
        ) != [original]:
            return None
        change = self.changes.get((ref.series_id, ref.key))
        if change is not None and change.cancelled:
            return None
        return change.moved_to if change is not None and change.moved_to else original


def relevant(session: DbSession, notes: Sequence[Notification], now: datetime) -> set[int]:
    """The ids of the reminders still worth sending: not about a circle the user left, or a
    meetup cancelled, moved or past, nor an RSVP nudge already answered (a few queries)."""
    facts = _Facts(session, notes)
    keep = set()
    for note in notes:
        circle = _circle_of(note)
        if circle is not None and (circle, note.user_id) not in facts.members:
            continue
        # Rarer kinds are judged one by one (a query or two each).
        if note.kind == Kind.checkin_soon.value:
            if _checkin_still_on(session, note.dedupe_key):
                keep.add(note.id)
            continue
        if note.kind in SEASON_KINDS:
            if _season_still_on(session, note):
                keep.add(note.id)
            continue
        if note.kind == Kind.buddy_met.value:
            if _pairing_unanswered(session, note.dedupe_key):
                keep.add(note.id)
            continue
        ref = _meetup_ref(note)
        if ref is not None:
            start = facts.start_of(ref)
            if start is None or start <= now or f"{start:%Y%m%dT%H%M}" != ref.start:
                continue  # cancelled, past, or moved (the new time has its own reminder)
            answered = (ref.series_id, ref.key, note.user_id) in facts.answered
            if note.kind == Kind.rsvp_nudge.value and answered:
                continue
        keep.add(note.id)
    return keep


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


def _season_still_on(session: DbSession, note: Notification) -> bool:
    """Season questions go out only while their season runs (the recommit one until answered);
    a seat offer only while it stands."""
    _kind, subject, user_id = note.dedupe_key.split(":")[:3]
    if note.kind == Kind.season_seat.value:
        return session.get(SeasonWaitlist, int(subject)) is not None
    season = session.get(Season, int(subject))
    if season is None or season.ended_at is not None:
        return False
    if note.kind == Kind.season_recommit.value:
        answered = session.scalar(
            sa.select(SeasonMember.choice).where(
                SeasonMember.season_id == season.id, SeasonMember.user_id == int(user_id)
            )
        )
        return answered is None
    still_in = session.scalar(
        sa.select(Membership.id).where(
            Membership.circle_id == season.circle_id, Membership.user_id == int(user_id)
        )
    )
    return still_in is not None


def still_relevant(session: DbSession, note: Notification, now: datetime) -> bool:
    """Whether one queued reminder is still worth sending (see `relevant` for a batch)."""
    return note.id in relevant(session, [note], now)
