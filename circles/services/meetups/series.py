"""Meetups: scheduling in the circle's zone, occurrences with their changes, RSVPs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import DbSession, utcnow
from circles.models.circle import Circle
from circles.models.meetup import Answer, MeetupSeries, OccurrenceChange, Rsvp
from circles.models.prompt import PrepNote, PromptAssignment
from circles.models.user import User
from circles.services.meetups import recurrence
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

    @property
    def start_local(self) -> datetime:
        return datetime.combine(self.start_date, self.start_time)


def _apply(series: MeetupSeries, plan: Plan) -> None:
    problem = recurrence.validate(plan.repeat, plan.start_local, plan.until_date)
    if problem:
        raise MeetupError(problem)
    series.start_date, series.start_time = plan.start_date, plan.start_time
    series.duration_minutes = plan.duration_minutes
    series.repeat = plan.repeat.value
    series.until_date = plan.until_date
    series.rrule = recurrence.rrule_text(
        plan.repeat, plan.start_local, plan.until_date, zone=series.time_zone
    )
    series.place, series.video_url = plan.place.strip(), plan.video_url.strip()
    series.rotate_facilitator = plan.rotate_facilitator


def _require_future(series: MeetupSeries, now: datetime) -> None:
    coming = recurrence.occurrences(
        series.rrule, series.start_local, series.time_zone, now, now + timedelta(days=400), limit=1
    )
    if not coming:
        raise MeetupError("That date has passed. Choose a date from today on.", "start_date")


def schedule(
    session: DbSession, circle: Circle, host: User, plan: Plan, now: datetime | None = None
) -> MeetupSeries:
    """A new meetup series in the circle's time zone (with `now`: it must meet again)."""
    series = MeetupSeries(circle_id=circle.id, time_zone=circle.time_zone, created_by_id=host.id)
    _apply(series, plan)
    if now is not None:
        _require_future(series, now)
    session.add(series)
    session.flush()
    return series


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
    )


def _changes(
    session: DbSession, series_ids: Sequence[int]
) -> dict[tuple[int, str], OccurrenceChange]:
    if not series_ids:
        return {}
    rows = session.scalars(
        sa.select(OccurrenceChange).where(OccurrenceChange.series_id.in_(series_ids))
    )
    return {(change.series_id, change.occurrence_key): change for change in rows}


def _expand(
    series: MeetupSeries,
    changes: dict[tuple[int, str], OccurrenceChange],
    window_start: datetime,
    window_end: datetime,
) -> list[Occurrence]:
    found = []
    originals = recurrence.occurrences(
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
                Occurrence(series, key, original, start, bool(change and change.cancelled))
            )
    return found


def occurrences_between(
    session: DbSession, series_list: Sequence[MeetupSeries], start: datetime, end: datetime
) -> list[Occurrence]:
    """Every occurrence (cancelled ones included) starting in [start, end), soonest first."""
    changes = _changes(session, [s.id for s in series_list])
    found = [occ for series in series_list for occ in _expand(series, changes, start, end)]
    return sorted(found, key=lambda occ: (occ.start, occ.series.id))


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
    change = _changes(session, [series.id]).get((series.id, key))
    start = change.moved_to if change and change.moved_to else original
    return Occurrence(series, key, original, start, bool(change and change.cancelled))


def _change_for(session: DbSession, occurrence: Occurrence) -> OccurrenceChange:
    change = session.scalar(
        sa.select(OccurrenceChange).where(
            OccurrenceChange.series_id == occurrence.series.id,
            OccurrenceChange.occurrence_key == occurrence.key,
        )
    )
    if change is None:
        change = OccurrenceChange(series_id=occurrence.series.id, occurrence_key=occurrence.key)
        session.add(change)
    return change


def cancel(session: DbSession, occurrence: Occurrence) -> None:
    """Cancel one occurrence; the rest of the series stays."""
    _change_for(session, occurrence).cancelled = True
    session.flush()


def restore(session: DbSession, occurrence: Occurrence) -> None:
    """Undo a cancellation."""
    _change_for(session, occurrence).cancelled = False
    session.flush()


def move(
    session: DbSession, occurrence: Occurrence, new_start_local: datetime, now: datetime
) -> None:
    """Move one occurrence to another local time (in the series' zone), within a month."""
    if recurrence.to_utc(new_start_local, occurrence.series.time_zone) <= now:
        raise MeetupError("That time has passed. Choose a time still to come.", "start_date")
    new_start = recurrence.to_utc(new_start_local, occurrence.series.time_zone)
    if abs(new_start - occurrence.original_start) > MOVE_REACH:
        raise MeetupError("Move it by a month at most. For bigger changes, schedule a new meetup.")
    change = _change_for(session, occurrence)
    change.moved_to = None if new_start == occurrence.original_start else new_start
    change.cancelled = False
    session.flush()


def edit_from(session: DbSession, occurrence: Occurrence, plan: Plan) -> MeetupSeries:
    """Change the series from this occurrence on; earlier occurrences stay as they were."""
    old = occurrence.series
    local_day = occurrence.original_start.astimezone(ZoneInfo(old.time_zone)).date()
    if local_day <= old.start_date:
        _apply(old, plan)  # editing from the first occurrence edits the whole series
        session.flush()
        return old
    new = MeetupSeries(
        circle_id=old.circle_id, time_zone=old.time_zone, created_by_id=old.created_by_id
    )
    _apply(new, plan)
    end_old = local_day - timedelta(days=1)
    old.until_date = end_old
    old.rrule = recurrence.rrule_text(
        Repeat(old.repeat), old.start_local, end_old, zone=old.time_zone
    )
    session.add(new)
    session.flush()
    # RSVPs and changes for occurrences the new series still has at the same time carry over.
    for model in (Rsvp, OccurrenceChange, PrepNote, PromptAssignment):
        session.execute(
            sa.update(model)
            .where(model.series_id == old.id, model.occurrence_key >= occurrence.key)
            .values(series_id=new.id)
            .execution_options(synchronize_session=False)
        )
    session.flush()
    return new


def set_rsvp(
    session: DbSession, occurrence: Occurrence, user: User, answer: Answer, now: datetime
) -> None:
    """Record or change the user's answer for one occurrence still to come."""
    if occurrence.cancelled:
        raise MeetupError("This meetup is cancelled, so there's nothing to answer.")
    if occurrence.end <= now:
        raise MeetupError("This meetup is over.")
    query = (
        sa.select(Rsvp)
        .where(
            Rsvp.series_id == occurrence.series.id,
            Rsvp.occurrence_key == occurrence.key,
            Rsvp.user_id == user.id,
        )
        .with_for_update()
    )
    existing = session.scalar(query)
    if existing is None:
        try:
            with session.begin_nested():  # a double tap may insert the same row at once
                session.add(
                    Rsvp(
                        series_id=occurrence.series.id,
                        occurrence_key=occurrence.key,
                        user_id=user.id,
                        answer=answer.value,
                    )
                )
            return
        except sa.exc.IntegrityError:
            existing = session.scalar(query)
            if existing is None:
                raise
    existing.answer = answer.value
    existing.updated_at = utcnow()
    session.flush()


def rsvps_for(
    session: DbSession, occurrences: Sequence[Occurrence]
) -> dict[tuple[int, str], dict[int, Answer]]:
    """Answers per occurrence, by user id (one query)."""
    if not occurrences:
        return {}
    refs = {occ.ref for occ in occurrences}
    rows = session.scalars(
        sa.select(Rsvp).where(
            Rsvp.series_id.in_({series_id for series_id, _ in refs}),
            Rsvp.occurrence_key.in_({key for _, key in refs}),
        )
    )
    answers: dict[tuple[int, str], dict[int, Answer]] = defaultdict(dict)
    for row in rows:
        if (row.series_id, row.occurrence_key) in refs:
            answers[(row.series_id, row.occurrence_key)][row.user_id] = Answer(row.answer)
    return answers
