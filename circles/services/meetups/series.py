"""Meetups: scheduling in the circle's zone, occurrences with their changes, RSVPs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import DbSession
from circles.models.meetup import MeetupSeries, OccurrenceChange
from circles.services.meetups import formats, recurrence
from circles.services.meetups.recurrence import Repeat

# Moves reach at most this far, so expanding this much around a window finds moved occurrences.
MOVE_REACH = timedelta(days=31)
HORIZON = timedelta(days=180)


class MeetupError(ValueError):
    """A scheduling rule refused the change; the message is for the person who asked."""

    def __init__(self, message: str, field: str = "until_date") -> None:
        super().__init__(message)
        self.field = field  # the form field the message belongs under


@dataclass(frozen=True)
class Occurrence:
    series: MeetupSeries
    key: str
    original_start: datetime
    start: datetime
    cancelled: bool
    format_key: str | None = None  # set when this occurrence has its own format

    @property
    def meeting_format(self) -> formats.Format:
        """The format this meetup runs by: its own, else the series'."""
        return formats.get(self.format_key or self.series.format)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.series.duration_minutes)

    @property
    def moved(self) -> bool:
        return self.start != self.original_start

    @property
    def circle_id(self) -> int:
        return self.series.circle_id

    @property
    def ref(self) -> tuple[int, str]:
        return (self.series.id, self.key)


@dataclass(frozen=True)
class Plan:
    """What a host enters to schedule meetups (local wall time in the circle's zone)."""

    start_date: date
    start_time: time
    duration_minutes: int
    repeat: Repeat
    place: str = ""
    video_url: str = ""
    rotate_facilitator: bool = False
    until_date: date | None = None
    format: str = formats.DEFAULT_FORMAT

    @property
    def start_local(self) -> datetime:
        return datetime.combine(self.start_date, self.start_time)


def plan_of(series: MeetupSeries) -> Plan:
    """The series as a plan, to pre-fill an edit form."""
    return Plan(
        start_date=series.start_date,
        start_time=series.start_time,
        duration_minutes=series.duration_minutes,
        repeat=Repeat(series.repeat),
        place=series.place,
        video_url=series.video_url,
        rotate_facilitator=series.rotate_facilitator,
        until_date=series.until_date,
        format=series.format,
    )


def _changes(
    session: DbSession,
    series_ids: Sequence[int],
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[tuple[int, str], OccurrenceChange]:
    """Changed occurrences of these series, those whose key (original start) is in [start, end]."""
    if not series_ids:
        return {}
    query = sa.select(OccurrenceChange).where(OccurrenceChange.series_id.in_(series_ids))
    if start is not None:
        query = query.where(OccurrenceChange.occurrence_key >= recurrence.occurrence_key(start))
    if end is not None:
        query = query.where(OccurrenceChange.occurrence_key <= recurrence.occurrence_key(end))
    rows = session.scalars(query)
    return {(change.series_id, change.occurrence_key): change for change in rows}


def _expand(
    series: MeetupSeries,
    changes: dict[tuple[int, str], OccurrenceChange],
    window_start: datetime,
    window_end: datetime,
) -> list[Occurrence]:
    found = []
    originals = recurrence.occurrences_cached(
        series.rrule,
        series.start_local,
        series.time_zone,
        window_start - MOVE_REACH,
        window_end + MOVE_REACH,
    )
    for original in originals:
        key = recurrence.occurrence_key(original)
        change = changes.get((series.id, key))
        start = change.moved_to if change and change.moved_to else original
        if window_start <= start < window_end:
            found.append(
                Occurrence(
                    series,
                    key,
                    original,
                    start,
                    bool(change and change.cancelled),
                    change.format if change else None,
                )
            )
    return found


def occurrences_between(
    session: DbSession, series_list: Sequence[MeetupSeries], start: datetime, end: datetime
) -> list[Occurrence]:
    """Every occurrence (cancelled ones included) starting in [start, end), soonest first."""
    ids = [s.id for s in series_list]
    changes = _changes(session, ids, start - MOVE_REACH, end + MOVE_REACH)  # moves reach this far
    found = [occ for series in series_list for occ in _expand(series, changes, start, end)]
    return sorted(found, key=lambda occ: (occ.start, occ.series.id))


def next_occurrence(session: DbSession, series: MeetupSeries, now: datetime) -> Occurrence | None:
    """The series' next occurrence still to come, if it has one within the horizon."""
    coming = occurrences_between(session, [series], now, now + HORIZON)
    return coming[0] if coming else None


def series_of(session: DbSession, circle_ids: Iterable[int]) -> list[MeetupSeries]:
    """All meetup series of these circles (one query)."""
    ids = list(circle_ids)
    if not ids:
        return []
    return list(
        session.scalars(
            sa.select(MeetupSeries)
            .where(MeetupSeries.circle_id.in_(ids))
            .options(so.joinedload(MeetupSeries.circle))
            .order_by(MeetupSeries.id)
        )
    )


def upcoming(
    session: DbSession, circle_ids: Iterable[int], now: datetime, per_circle: int = 4
) -> list[Occurrence]:
    """The next few occurrences of each circle (cancelled ones shown too), soonest first.

    Two queries whatever the number of circles, series or members.
    """
    series_list = series_of(session, circle_ids)
    window = occurrences_between(session, series_list, now, now + HORIZON)
    counted: dict[int, int] = defaultdict(int)
    chosen = []
    for occ in window:
        if counted[occ.circle_id] < per_circle:
            counted[occ.circle_id] += 1
            chosen.append(occ)
    return chosen


def find_occurrence(session: DbSession, series: MeetupSeries, key: str) -> Occurrence | None:
    """The occurrence with this key, if the series really has one there."""
    try:
        original = recurrence.occurrence_from_key(key)
    except ValueError:
        return None
    starts = recurrence.occurrences(
        series.rrule,
        series.start_local,
        series.time_zone,
        original,
        original + timedelta(seconds=1),
    )
    if starts != [original]:
        return None
    change = _changes(session, [series.id], original, original).get((series.id, key))
    start = change.moved_to if change and change.moved_to else original
    return Occurrence(
        series,
        key,
        original,
        start,
        bool(change and change.cancelled),
        change.format if change else None,
    )
