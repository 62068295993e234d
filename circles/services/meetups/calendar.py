"""Calendar files: one occurrence, a series, and each user's private feed of their circles."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from icalendar import Calendar, Event, vRecur

from circles.models.base import MAX_ID, DbSession
from circles.models.checkin import CheckinRequest
from circles.models.circle import Circle, Membership
from circles.models.meetup import MeetupSeries, OccurrenceChange
from circles.models.user import User
from circles.services.meetups.series import MOVE_REACH, Occurrence
from circles.services.meetups.vtimezone import vtimezone

PRODID = "-//Circles//Meetups//EN"
TOKEN_CHARS = 32  # base64url characters of the HMAC: 192 bits
_DTSTAMP = re.compile(rb"^DTSTAMP:[^\r\n]*\r?\n", re.MULTILINE)


def feed_token(secret_key: str, user: User) -> str:
    """The user's calendar feed token: their id and an HMAC that changes when they regenerate it."""
    digest = hmac.new(
        secret_key.encode(), f"calendar:{user.id}:{user.calendar_version}".encode(), hashlib.sha256
    ).digest()
    return f"{user.id}-{base64.urlsafe_b64encode(digest).decode()[:TOKEN_CHARS]}"


def user_for_token(session: DbSession, secret_key: str, token: str) -> User | None:
    """The user a feed token belongs to, if it is their current one."""
    user_id, _, _mac = token.partition("-")
    # compare_digest refuses non-ASCII text, so anything else is no token at all (a 404).
    if not token.isascii() or not user_id.isdigit() or len(token) > 64 or int(user_id) > MAX_ID:
        return None
    user = session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(feed_token(secret_key, user), token):
        return None
    return user


def regenerate(session: DbSession, user: User) -> None:
    """A new feed link; the old one stops working."""
    user.calendar_version += 1
    session.flush()


def _summary(circle: Circle) -> str:
    return f"{circle.name}: circle meetup"


def series_uid(series: MeetupSeries) -> str:
    """The one UID of a series, in the feed and in every file, so apps never hold it twice."""
    return f"circles-series-{series.id}@circles"


def _utc_from_key(key: str) -> datetime:
    return datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def _event(
    series: MeetupSeries,
    start: datetime,
    url: str,
    now: datetime,
    change: OccurrenceChange | None = None,
) -> Event:
    """A VEVENT of the series (with `change`: the version of one occurrence it holds)."""
    zone = ZoneInfo(series.time_zone)
    event = Event()
    event.add("uid", series_uid(series))
    event.add("summary", _summary(series.circle))
    event.add("dtstart", start.astimezone(zone))
    event.add("duration", timedelta(minutes=series.duration_minutes))
    event.add("dtstamp", now)
    # SEQUENCE grows with every edit of the series or of this occurrence, so apps take the change.
    event.add("sequence", series.revision + (change.revision if change else 0))
    modified = max(series.updated_at, change.updated_at) if change else series.updated_at
    event.add("last-modified", modified)
    if series.place:
        event.add("location", series.place)
    if series.video_url:
        event.add("url", series.video_url)
    event.add("description", f"Open in Circles: {url}")
    return event


def _series_events(
    series: MeetupSeries, changes: Sequence[OccurrenceChange], url: str, now: datetime
) -> list[Event]:
    zone = ZoneInfo(series.time_zone)
    first = series.start_local.replace(tzinfo=zone)
    if not series.rrule:
        # A one-off: its one change (if any) is the event itself.
        change = changes[0] if changes else None
        moved_to = change.moved_to if change and change.moved_to else None
        event = _event(series, moved_to or first, url, now, change)
        if change and change.cancelled:
            event.add("exdate", first)
        return [event]
    master = _event(series, first, url, now)
    master.add("rrule", vRecur.from_ical(series.rrule))
    events = [master]
    for change in changes:
        original = _utc_from_key(change.occurrence_key)
        if change.cancelled:
            master.add("exdate", original.astimezone(zone))
        elif change.moved_to is not None:
            moved = _event(series, change.moved_to, url, now, change)
            moved.add("recurrence-id", original.astimezone(zone))
            events.append(moved)
    return events


def _calendar(name: str, events: Sequence[Event], zones: dict[str, date]) -> bytes:
    """The file: no METHOD (a feed, not a scheduling message), one VTIMEZONE per zone."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for key, since in sorted(zones.items()):
        calendar.add_component(vtimezone(key, since))
    for event in events:
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _zones(series_list: Sequence[MeetupSeries]) -> dict[str, date]:
    zones: dict[str, date] = {}
    for series in series_list:
        since = series.start_date - MOVE_REACH  # a move may reach a month before the start
        zones[series.time_zone] = min(zones.get(series.time_zone, since), since)
    return zones


def _changes_of(session: DbSession, series_ids: Sequence[int]) -> dict[int, list[OccurrenceChange]]:
    changes: dict[int, list[OccurrenceChange]] = {series_id: [] for series_id in series_ids}
    if series_ids:
        for change in session.scalars(
            sa.select(OccurrenceChange)
            .where(OccurrenceChange.series_id.in_(series_ids))
            .order_by(OccurrenceChange.occurrence_key)
        ):
            changes[change.series_id].append(change)
    return changes


def series_ics(
    session: DbSession,
    series_list: Sequence[MeetupSeries],
    name: str,
    url_for_series: dict[int, str],
    now: datetime,
    extra: Sequence[Event] = (),
) -> bytes:
    """A calendar with these series, their RRULEs, cancellations (EXDATE) and moves."""
    changes = _changes_of(session, [s.id for s in series_list])
    events = [
        event
        for series in series_list
        for event in _series_events(series, changes[series.id], url_for_series[series.id], now)
    ]
    return _calendar(name, [*events, *extra], _zones(series_list))


CHECKIN_LENGTH = timedelta(minutes=30)
CHECKIN_WAYS = {"call": "A call", "coffee": "A coffee", "message": "Messages"}


def checkin_event(request: CheckinRequest, viewer: User, url: str, now: datetime) -> Event:
    """An agreed check-in in the viewer's feed, named for the other person (UTC times)."""
    other = request.to_user if request.from_user_id == viewer.id else request.from_user
    event = Event()
    event.add("uid", f"circles-checkin-{request.id}@circles")
    event.add("summary", f"{CHECKIN_WAYS[request.way]} with {other.display_name}")
    event.add("dtstart", request.accepted_time)
    event.add("duration", CHECKIN_LENGTH)
    event.add("dtstamp", now)
    event.add("last-modified", request.answered_at or request.created_at)
    event.add("description", f"Open in Circles: {url}")
    return event


def occurrence_ics(session: DbSession, occurrence: Occurrence, url: str, now: datetime) -> bytes:
    """A calendar file for one occurrence: the series' UID, with RECURRENCE-ID when it repeats."""
    series = occurrence.series
    change = session.scalar(
        sa.select(OccurrenceChange).where(
            OccurrenceChange.series_id == series.id,
            OccurrenceChange.occurrence_key == occurrence.key,
        )
    )
    event = _event(series, occurrence.start, url, now, change)
    if series.rrule:
        zone = ZoneInfo(series.time_zone)
        event.add("recurrence-id", occurrence.original_start.astimezone(zone))
    if occurrence.cancelled:
        event.add("status", "CANCELLED")
    return _calendar(_summary(series.circle), [event], _zones([series]))


def version_tag(body: bytes) -> str:
    """An ETag for a calendar file: its content, leaving out DTSTAMP (the time it was made)."""
    return hashlib.sha256(_DTSTAMP.sub(b"", body)).hexdigest()[:32]


def feed_series(session: DbSession, user: User) -> list[MeetupSeries]:
    """Every series in the user's circles (one query)."""
    return list(
        session.scalars(
            sa.select(MeetupSeries)
            .join(Membership, Membership.circle_id == MeetupSeries.circle_id)
            .where(Membership.user_id == user.id)
            .options(sa.orm.joinedload(MeetupSeries.circle))
            .order_by(MeetupSeries.id)
        )
    )
