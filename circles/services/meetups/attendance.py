"""Who came: a meetup's run (format, attendance), the circle's history, and how it felt.

Nothing anyone said is stored: only that the meetup ran, by which format, and who was there.
"How was it for you?" is private; the host sees counts only, and only from three answers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.circle import Circle, Membership
from circles.models.meetup import Attendance, MeetupFeeling, MeetupRun, MeetupSeries
from circles.models.prompt import PromptAssignment
from circles.models.user import User
from circles.services.idempotent import add_once, put
from circles.services.meetups import formats, rotation
from circles.services.meetups.series import MeetupError, Occurrence
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind

FEELINGS = ("helped", "neutral", "hard")
FEELING_COUNTS_FROM = 3
HISTORY_LENGTH = 12
# A facilitator may open the meetup a little before its time and end it then.
EARLY_START = timedelta(minutes=30)


def run_of(session: DbSession, occurrence: Occurrence) -> MeetupRun | None:
    return session.scalar(
        sa.select(MeetupRun).where(
            MeetupRun.series_id == occurrence.series.id,
            MeetupRun.occurrence_key == occurrence.key,
        )
    )


def present_ids(session: DbSession, run: MeetupRun) -> set[int]:
    return set(session.scalars(sa.select(Attendance.user_id).where(Attendance.run_id == run.id)))


def record(
    session: DbSession,
    occurrence: Occurrence,
    by: User,
    present: Sequence[int],
    now: datetime,
    format_key: str | None = None,
) -> MeetupRun:
    """Store who came and the format that ran (again: the new list replaces the old)."""
    if occurrence.cancelled:
        raise MeetupError("This meetup was cancelled.")
    if occurrence.start - EARLY_START > now:
        raise MeetupError("This meetup hasn't started yet.")
    members = set(
        session.scalars(
            sa.select(Membership.user_id).where(Membership.circle_id == occurrence.circle_id)
        )
    )
    came = set(present)
    if not came <= members:
        raise MeetupError("Only members of the circle can be marked as there.")
    chosen = formats.get(format_key or occurrence.meeting_format.key).key
    rotation.history_changed(session, [occurrence.series.id])  # who came moves the rotation
    run = run_of(session, occurrence)
    if run is None:
        run = add_once(
            session,
            MeetupRun(
                series_id=occurrence.series.id,
                occurrence_key=occurrence.key,
                started_at=occurrence.start,
                format=chosen,
                recorded_by_id=by.id,
                recorded_at=now,
            ),
            lambda: run_of(session, occurrence),
        )
    run.format, run.recorded_by_id, run.recorded_at = chosen, by.id, now
    session.execute(sa.delete(Attendance).where(Attendance.run_id == run.id))
    session.add_all(Attendance(run_id=run.id, user_id=user_id) for user_id in sorted(came))
    session.flush()
    _miss_you(session, occurrence, members - came, now)
    return run


def _miss_you(session: DbSession, occurrence: Occurrence, missing: set[int], now: datetime) -> None:
    """One gentle note to those who have now missed the last two recorded meetups."""
    circle = session.get(Circle, occurrence.circle_id)
    if circle is None or not circle.missed_you_notes or not missing:
        return
    last_two = list(
        session.scalars(
            sa.select(MeetupRun.id)
            .join(MeetupSeries, MeetupSeries.id == MeetupRun.series_id)
            .where(MeetupSeries.circle_id == circle.id)
            .order_by(MeetupRun.started_at.desc())
            .limit(2)
        )
    )
    if len(last_two) < 2:
        return
    came_to_either = set(
        session.scalars(sa.select(Attendance.user_id).where(Attendance.run_id.in_(last_two)))
    )
    for user in session.scalars(sa.select(User).where(User.id.in_(missing - came_to_either))):
        outbox.enqueue(
            session,
            user,
            Kind.missed_you,
            f"missed_you:{user.id}:{last_two[0]}",
            now,
            url=f"/circles/{circle.id}",
            tag=f"missed-{circle.id}",
        )


@dataclass(frozen=True)
class PastMeetup:
    started_at: datetime
    format_name: str
    prompt: str | None
    present: list[User]

    @property
    def present_ids(self) -> set[int]:
        return {user.id for user in self.present}


def history(session: DbSession, circle_id: int) -> list[PastMeetup]:
    """The circle's recorded meetups, newest first: date, format, prompt used, who came."""
    runs = list(
        session.scalars(
            sa.select(MeetupRun)
            .join(MeetupSeries, MeetupSeries.id == MeetupRun.series_id)
            .where(MeetupSeries.circle_id == circle_id)
            .order_by(MeetupRun.started_at.desc())
            .limit(HISTORY_LENGTH)
        )
    )
    if not runs:
        return []
    people: dict[int, list[User]] = defaultdict(list)
    for run_id, user in session.execute(
        sa.select(Attendance.run_id, User)
        .join(User, User.id == Attendance.user_id)
        .where(Attendance.run_id.in_([run.id for run in runs]))
        .order_by(User.display_name)
    ):
        people[run_id].append(user)
    prompts = {
        (series_id, key): text
        for series_id, key, text in session.execute(
            sa.select(
                PromptAssignment.series_id,
                PromptAssignment.occurrence_key,
                PromptAssignment.text,
            ).where(
                PromptAssignment.series_id.in_({run.series_id for run in runs}),
                sa.tuple_(PromptAssignment.series_id, PromptAssignment.occurrence_key).in_(
                    [(run.series_id, run.occurrence_key) for run in runs]
                ),
            )
        )
    }
    return [
        PastMeetup(
            run.started_at,
            formats.get(run.format).name,
            prompts.get((run.series_id, run.occurrence_key)),
            people[run.id],
        )
        for run in runs
    ]


def feel(session: DbSession, run: MeetupRun, user: User, feeling: str, now: datetime) -> None:
    """A person who was there says how it was for them (private; counts only for the host)."""
    if feeling not in FEELINGS:
        raise MeetupError("Choose helped, neutral or hard.")
    if user.id not in present_ids(session, run):
        raise MeetupError("Only people who were there are asked.")
    query = sa.select(MeetupFeeling).where(
        MeetupFeeling.run_id == run.id, MeetupFeeling.user_id == user.id
    )

    def update(row: MeetupFeeling) -> None:
        row.feeling, row.answered_at = feeling, now

    put(
        session,
        lambda: session.scalar(query),
        lambda: MeetupFeeling(run_id=run.id, user_id=user.id, feeling=feeling, answered_at=now),
        update,
    )


def my_feeling(session: DbSession, run: MeetupRun, user: User) -> str | None:
    return session.scalar(
        sa.select(MeetupFeeling.feeling).where(
            MeetupFeeling.run_id == run.id, MeetupFeeling.user_id == user.id
        )
    )


def feeling_counts(session: DbSession, run: MeetupRun) -> dict[str, int] | None:
    """How many said helped, neutral, hard; None below three answers (so no one is singled out)."""
    counts = Counter(
        session.scalars(sa.select(MeetupFeeling.feeling).where(MeetupFeeling.run_id == run.id))
    )
    if sum(counts.values()) < FEELING_COUNTS_FROM:
        return None
    return {feeling: counts.get(feeling, 0) for feeling in FEELINGS}
