"""Calendar files: one occurrence, a series, and each user's private feed of their circles."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from icalendar import Calendar, Event, vRecur

from circles.models.base import MAX_ID, DbSession
from circles.models.circle import Circle, Membership
from circles.models.meetup import MeetupSeries, OccurrenceChange
from circles.models.user import User
from circles.services.meetups.series import Occurrence

PRODID = "-//Circles//Meetups//EN"
TOKEN_CHARS = 32  # base64url characters of the HMAC: 192 bits


def feed_token(secret_key: str, user: User) -> str:
    """The user's calendar feed token: their id and an HMAC that changes when they regenerate it."""
    digest = hmac.new(
        secret_key.encode(), f"calendar:{user.id}:{user.calendar_version}".encode(), hashlib.sha256
    ).digest()
    return f"{user.id}-{base64.urlsafe_b64encode(digest).decode()[:TOKEN_CHARS]}"


def user_for_token(session: DbSession, secret_key: str, token: str) -> User | None:
    """The user a feed token belongs to, if it is their current one."""
    user_id, _, _mac = token.partition("-")
    if not (user_id.isascii() and user_id.isdigit()) or len(token) > 64 or int(user_id) > MAX_ID:
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


def _base_event(series: MeetupSeries, circle: Circle, start: datetime, url: str) -> Event:
    zone = ZoneInfo(series.time_zone)
    event = Event()
    event.add("uid", f"circles-series-{series.id}@circles")
    event.add("summary", _summary(circle))
    event.add("dtstart", start.astimezone(zone))
    event.add("duration", timedelta(minutes=series.duration_minutes))
    event.add("dtstamp", series.created_at)
    if series.place:
        event.add("location", series.place)
    if series.video_url:
        event.add("url", series.video_url)
    event.add("description", f"Open in Circles: {url}")
    return event


def _series_events(
    series: MeetupSeries,
    circle: Circle,
    changes: Sequence[OccurrenceChange],
    url: str,
) -> list[Event]:
    zone = ZoneInfo(series.time_zone)
    first = series.start_local.replace(tzinfo=zone)
    master = _base_event(series, circle, first, url)
    if series.rrule:
        master.add("rrule", vRecur.from_ical(series.rrule))
    events = [master]
    for change in changes:
        original = datetime.strptime(change.occurrence_key, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=ZoneInfo("UTC")
        )
        if change.cancelled:
            master.add("exdate", original.astimezone(zone))
        elif change.moved_to is not None:
            moved = _base_event(series, circle, change.moved_to, url)
            moved.add("recurrence-id", original.astimezone(zone))
            events.append(moved)
    return events


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _finish(calendar: Calendar, starts: Sequence[date]) -> bytes:
    # VTIMEZONE blocks covering the meetups' years, so every client shows the right local time.
    first = min(starts, default=date.today()) - timedelta(days=366)  # noqa: DTZ011
    calendar.add_missing_timezones(first_date=first, last_date=first + timedelta(days=366 * 12))
    return bytes(calendar.to_ical())


def series_ics(
    session: DbSession,
    series_list: Sequence[MeetupSeries],
    name: str,
    url_for_series: dict[int, str],
) -> bytes:
    """A calendar with these series, their RRULEs, cancellations (EXDATE) and moves."""
    changes: dict[int, list[OccurrenceChange]] = {s.id: [] for s in series_list}
    if series_list:
        for change in session.scalars(
            sa.select(OccurrenceChange).where(OccurrenceChange.series_id.in_(changes.keys()))
        ):
            changes[change.series_id].append(change)
    calendar = _calendar(name)
    for series in series_list:
        for event in _series_events(
            series, series.circle, changes[series.id], url_for_series[series.id]
        ):
            calendar.add_component(event)
    return _finish(calendar, [s.start_date for s in series_list])


def occurrence_ics(occurrence: Occurrence, url: str) -> bytes:
    """A calendar file for one occurrence."""
    series = occurrence.series
    event = _base_event(series, series.circle, occurrence.start, url)
    event["uid"] = f"circles-series-{series.id}-{occurrence.key}@circles"
    if occurrence.cancelled:
        event.add("status", "CANCELLED")
    calendar = _calendar(_summary(series.circle))
    calendar.add_component(event)
    return _finish(calendar, [occurrence.start.date()])


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
