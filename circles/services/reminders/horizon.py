"""Occurrences entering the reminder horizon: what the worker's pass plans, found cheaply.

The pass runs every 30 s and looks at a window of about that length, so expanding every series'
rule (dateutil) each time would cost the same Python work per series on every pass. Instead each
series' original starts are expanded once per day of time and remembered (a pure function of the
rule, start and zone), and moves into the window come from one query on their new start.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.meetup import MeetupSeries, OccurrenceChange
from circles.services.meetups import recurrence
from circles.services.meetups.series import Occurrence

BLOCK = timedelta(days=1)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=65536)
def _originals_in_block(
    rrule: str | None, start_local: datetime, zone: str, block: int
) -> tuple[datetime, ...]:
    lo = _EPOCH + block * BLOCK
    return tuple(recurrence.occurrences(rrule, start_local, zone, lo, lo + BLOCK))


def _block(moment: datetime) -> int:
    return (moment - _EPOCH) // BLOCK


def originals_between(series: MeetupSeries, start: datetime, end: datetime) -> list[datetime]:
    """The series' original (unmoved) starts in [start, end), from the day-by-day memo."""
    found = []
    for block in range(_block(start), _block(end - timedelta(microseconds=1)) + 1):
        found += [
            moment
            for moment in _originals_in_block(
                series.rrule, series.start_local, series.time_zone, block
            )
            if start <= moment < end
        ]
    return found


def _series_meeting_between(
    session: DbSession, start: datetime, end: datetime
) -> list[MeetupSeries]:
    """Series whose rule can yield a start in [start, end) (one query)."""
    return list(
        session.scalars(
            sa.select(MeetupSeries).where(
                MeetupSeries.start_date <= (end + timedelta(days=1)).date(),
                sa.or_(
                    MeetupSeries.until_date.is_(None),
                    MeetupSeries.until_date >= (start - timedelta(days=1)).date(),
                ),
            )
        )
    )


def _changes_of(
    session: DbSession, refs: Sequence[tuple[int, str]]
) -> dict[tuple[int, str], OccurrenceChange]:
    if not refs:
        return {}
    wanted = set(refs)
    rows = session.scalars(
        sa.select(OccurrenceChange).where(
            OccurrenceChange.series_id.in_({series_id for series_id, _ in wanted}),
            OccurrenceChange.occurrence_key.in_({key for _, key in wanted}),
        )
    )
    return {
        (row.series_id, row.occurrence_key): row
        for row in rows
        if (row.series_id, row.occurrence_key) in wanted
    }


def entering(session: DbSession, start: datetime, end: datetime) -> list[Occurrence]:
    """Occurrences (cancelled ones included) whose start, moved or not, is in [start, end).

    A few queries whatever the number of series; Python work per series is a memo lookup.
    """
    by_id = {series.id: series for series in _series_meeting_between(session, start, end)}
    originals = [
        (series, moment)
        for series in by_id.values()
        for moment in originals_between(series, start, end)
    ]
    changes = _changes_of(
        session, [(series.id, recurrence.occurrence_key(moment)) for series, moment in originals]
    )
    found = []
    for series, original in originals:
        key = recurrence.occurrence_key(original)
        change = changes.get((series.id, key))
        if change is not None and change.moved_to is not None:
            continue  # moved elsewhere: found below if its new start is in the window
        found.append(Occurrence(series, key, original, original, bool(change and change.cancelled)))
    moved_in = session.scalars(
        sa.select(OccurrenceChange).where(
            OccurrenceChange.moved_to >= start,
            OccurrenceChange.moved_to < end,
            OccurrenceChange.cancelled.is_(False),  # a cancelled one gets no reminders anyway
        )
    )
    for change in moved_in:
        owner = by_id.get(change.series_id) or session.get(MeetupSeries, change.series_id)
        was = _real_original(owner, change.occurrence_key)
        if owner is not None and was is not None and change.moved_to is not None:
            found.append(Occurrence(owner, change.occurrence_key, was, change.moved_to, False))
    return sorted(found, key=lambda occ: (occ.start, occ.series.id))


def _real_original(series: MeetupSeries | None, key: str) -> datetime | None:
    """The original start the key stands for, if the series (as now) still has it."""
    if series is None:
        return None
    try:
        original = recurrence.occurrence_from_key(key)
    except ValueError:
        return None
    same = originals_between(series, original, original + timedelta(seconds=1))
    return original if same else None
