"""Meetup actions: schedule, cancel, restore, move, edit a series, answer, keep a prep note.

Each function is one thing a person does and does all it implies (a cancelled or moved meetup
drops its queued reminders); it flushes and never commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from circles.models.base import DbSession, utcnow
from circles.models.circle import Circle
from circles.models.meetup import Answer, MeetupSeries, OccurrenceChange, Rsvp
from circles.models.prompt import NOTE_MAX, PrepNote, PromptAssignment
from circles.models.user import User
from circles.services.idempotent import add_once
from circles.services.meetups import formats, recurrence, rotation
from circles.services.meetups.prep_notes import my_note
from circles.services.meetups.recurrence import Repeat
from circles.services.meetups.series import (
    MOVE_REACH,
    MeetupError,
    Occurrence,
    Plan,
    occurrences_between,
)
from circles.services.reminders.planning import forget_occurrence, plan_series
from circles.timezones import local_date


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
    if plan.format not in formats.FORMATS:
        raise MeetupError("Choose one of the formats.", "format")
    series.format = plan.format


def _require_future(series: MeetupSeries, now: datetime) -> None:
    # A repeating series starting in the past would put its past dates in everyone's calendar.
    start = recurrence.to_utc(series.start_local, series.time_zone)
    if start < now:
        if local_date(start, series.time_zone) == local_date(now, series.time_zone):
            raise MeetupError("That time has passed today. Choose a later time.", "start_time")
        raise MeetupError("That date has passed. Choose a date from today on.", "start_date")


def _revised(series: MeetupSeries) -> None:
    """One more revision: calendar apps take the new version (SEQUENCE) over the one they hold."""
    series.revision += 1
    series.updated_at = utcnow()


def schedule_series(
    session: DbSession, circle: Circle, host: User, plan: Plan, now: datetime | None = None
) -> MeetupSeries:
    """A new meetup series in the circle's time zone (with `now`: it must meet again)."""
    series = MeetupSeries(circle_id=circle.id, time_zone=circle.time_zone, created_by_id=host.id)
    _apply(series, plan)
    if now is not None:
        _require_future(series, now)
    session.add(series)
    session.flush()
    plan_series(session, [series], now or utcnow())
    return series


def _change_for(session: DbSession, occurrence: Occurrence) -> OccurrenceChange:
    rotation.history_changed(session, [occurrence.series.id])  # cancelled or moved: a new turn
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


def cancel_occurrence(session: DbSession, occurrence: Occurrence) -> None:
    """Cancel one occurrence and drop its queued reminders; the rest of the series stays."""
    _change_for(session, occurrence).cancelled = True
    _revised(occurrence.series)  # the series' EXDATEs change
    forget_occurrence(session, occurrence)
    session.flush()


def restore_occurrence(session: DbSession, occurrence: Occurrence) -> None:
    """Undo a cancellation; its reminders are planned again."""
    _change_for(session, occurrence).cancelled = False
    _revised(occurrence.series)
    session.flush()
    plan_series(session, [occurrence.series], utcnow())


def _overlapping(
    session: DbSession, occurrence: Occurrence, new_start: datetime
) -> Occurrence | None:
    """Another meetup of the series (not cancelled) that a move to `new_start` would overlap."""
    length = timedelta(minutes=occurrence.series.duration_minutes)
    near = occurrences_between(
        session, [occurrence.series], new_start - length + timedelta(seconds=1), new_start + length
    )
    return next((o for o in near if o.key != occurrence.key and not o.cancelled), None)


def move_occurrence(
    session: DbSession, occurrence: Occurrence, new_start_local: datetime, now: datetime
) -> None:
    """Move one occurrence to another local time (in the series' zone), within a month.

    Its queued reminders are dropped and planned again for the new time.
    """
    if recurrence.to_utc(new_start_local, occurrence.series.time_zone) <= now:
        raise MeetupError("That time has passed. Choose a time still to come.", "start_date")
    new_start = recurrence.to_utc(new_start_local, occurrence.series.time_zone)
    if abs(new_start - occurrence.original_start) > MOVE_REACH:
        raise MeetupError("Move it by a month at most. For bigger changes, schedule a new meetup.")
    clash = _overlapping(session, occurrence, new_start)
    if clash is not None:
        raise MeetupError(
            "Another meetup of this series is on then. Choose a time that doesn't overlap it.",
            "start_time",
        )
    change = _change_for(session, occurrence)
    moved_to = None if new_start == occurrence.original_start else new_start
    if change.cancelled or (change.moved_to is not None and moved_to is None):
        _revised(occurrence.series)  # an EXDATE or an override leaves the series
    change.moved_to = moved_to
    change.cancelled = False
    change.revision = (change.revision or 0) + 1
    change.updated_at = utcnow()
    forget_occurrence(session, occurrence)
    session.flush()
    plan_series(session, [occurrence.series], now)


def edit_series_from(
    session: DbSession, occurrence: Occurrence, plan: Plan, now: datetime | None = None
) -> MeetupSeries:
    """Change the series from this occurrence on; earlier occurrences stay as they were.

    With `now`, the changed series must start from now on, as a new one must.
    """
    old = occurrence.series
    local_day = occurrence.original_start.astimezone(ZoneInfo(old.time_zone)).date()
    if local_day <= old.start_date:
        _apply(old, plan)  # editing from the first occurrence edits the whole series
        if now is not None:
            _require_future(old, now)
        _revised(old)
        session.flush()
        plan_series(session, [old], utcnow())
        return old
    new = MeetupSeries(
        circle_id=old.circle_id, time_zone=old.time_zone, created_by_id=old.created_by_id
    )
    _apply(new, plan)
    if now is not None:
        _require_future(new, now)
    _revised(old)  # its UNTIL changes
    end_old = local_day - timedelta(days=1)
    old.until_date = end_old
    old.rrule = recurrence.rrule_text(
        Repeat(old.repeat), old.start_local, end_old, zone=old.time_zone
    )
    session.add(new)
    session.flush()
    rotation.history_changed(session, [old.id, new.id])
    # RSVPs and changes for occurrences the new series still has at the same time carry over.
    for model in (Rsvp, OccurrenceChange, PrepNote, PromptAssignment):
        session.execute(
            sa.update(model)
            .where(model.series_id == old.id, model.occurrence_key >= occurrence.key)
            .values(series_id=new.id)
            .execution_options(synchronize_session=False)
        )
    session.flush()
    plan_series(session, [old, new], utcnow())
    return new


def set_rsvp(
    session: DbSession, occurrence: Occurrence, user: User, answer: Answer, now: datetime
) -> None:
    """Record or change the user's answer for one occurrence still to come."""
    if occurrence.cancelled:
        raise MeetupError("This meetup is cancelled, so there's nothing to answer.")
    if occurrence.end <= now:
        raise MeetupError("This meetup is over.")
    # First, so an answer locks the series before its own row, as a series edit does.
    rotation.history_changed(session, [occurrence.series.id])
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


def save_prep_note(
    session: DbSession, occurrence: Occurrence, author: User, body: str
) -> PrepNote | None:
    """Save (or, when empty, delete) the author's note."""
    body = body.strip()
    if len(body) > NOTE_MAX:
        raise ValueError(f"Keep the note under {NOTE_MAX} characters.")
    note = my_note(session, occurrence, author)
    if not body:
        if note is not None:
            session.delete(note)
            session.flush()
        return None
    if note is None:
        note = add_once(
            session,
            PrepNote(
                user_id=author.id,
                series_id=occurrence.series.id,
                occurrence_key=occurrence.key,
                body=body,
            ),
            lambda: my_note(session, occurrence, author),
        )
    note.body, note.updated_at = body, utcnow()
    session.flush()
    return note


def set_occurrence_format(session: DbSession, occurrence: Occurrence, key: str | None) -> None:
    """A host runs one meetup by another format (None: back to the series' format)."""
    if key is not None and key not in formats.FORMATS:
        raise MeetupError("Choose one of the formats.")
    change = _change_for(session, occurrence)
    change.format = None if key == occurrence.series.format else key
    session.flush()
