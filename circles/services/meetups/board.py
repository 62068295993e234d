"""What members see about occurrences: answers, who is going, the facilitator (bounded queries)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.circle import Membership
from circles.models.meetup import Answer, Attendance, MeetupRun, MeetupSeries, Rsvp
from circles.models.prompt import PromptAssignment
from circles.models.user import User
from circles.services.meetups.facilitation import rotate
from circles.services.meetups.recurrence import to_utc
from circles.services.meetups.series import Occurrence, occurrences_between

ROTATION_LIMIT = 520  # ten years of weekly meetups


@dataclass
class OccurrenceView:
    occurrence: Occurrence
    my_answer: Answer | None = None
    going: list[User] = field(default_factory=list)
    maybe: list[User] = field(default_factory=list)
    not_going: list[User] = field(default_factory=list)
    unanswered: list[User] = field(default_factory=list)
    facilitator: User | None = None
    prompt_line: str | None = None


def members_by_circle(session: DbSession, circle_ids: set[int]) -> dict[int, list[User]]:
    """Each circle's members in the order they joined (one query)."""
    if not circle_ids:
        return {}
    rows = session.execute(
        sa.select(Membership.circle_id, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.circle_id.in_(circle_ids))
        .order_by(Membership.joined_at, Membership.id)
    ).all()
    grouped: dict[int, list[User]] = defaultdict(list)
    for circle_id, user in rows:
        grouped[circle_id].append(user)
    return grouped


def answers_for_series(
    session: DbSession, series_ids: set[int]
) -> dict[tuple[int, str], dict[int, Answer]]:
    answers: dict[tuple[int, str], dict[int, Answer]] = defaultdict(dict)
    if not series_ids:
        return answers
    for row in session.scalars(sa.select(Rsvp).where(Rsvp.series_id.in_(series_ids))):
        answers[(row.series_id, row.occurrence_key)][row.user_id] = Answer(row.answer)
    return answers


def _facilitators(
    session: DbSession,
    occurrences: Sequence[Occurrence],
    members: dict[int, list[User]],
    answers: dict[tuple[int, str], dict[int, Answer]],
) -> dict[tuple[int, str], int | None]:
    rotating: dict[int, MeetupSeries] = {
        occ.series.id: occ.series for occ in occurrences if occ.series.rotate_facilitator
    }
    if not rotating:
        return {}
    # The queue replays from each series' first meetup, so every viewer sees the same order.
    until = max(occ.original_start for occ in occurrences) + timedelta(seconds=1)
    first = min(to_utc(series.start_local, series.time_zone) for series in rotating.values())
    history = occurrences_between(session, list(rotating.values()), first, until)
    chosen: dict[tuple[int, str], int | None] = {}
    held: dict[int, list[str]] = defaultdict(list)
    for occ in history:  # one pass over the history, grouped by series
        if not occ.cancelled:
            held[occ.series.id].append(occ.key)
    keys_of = {series_id: held[series_id][-ROTATION_LIMIT:] for series_id in rotating}
    came = _attendance(session, [(sid, key) for sid, keys in keys_of.items() for key in keys])
    for series in rotating.values():
        keys = keys_of[series.id]
        order = [user.id for user in members.get(series.circle_id, [])]
        # Who was really there where it was recorded; otherwise who said they couldn't make it.
        absent = {
            key: set(order) - came[(series.id, key)]
            if (series.id, key) in came
            else {uid for uid, a in answers.get((series.id, key), {}).items() if a is Answer.NO}
            for key in keys
        }
        for key, user_id in rotate(order, keys, absent).items():
            chosen[(series.id, key)] = user_id
    return chosen


def _attendance(
    session: DbSession, refs: Sequence[tuple[int, str]]
) -> dict[tuple[int, str], set[int]]:
    """Who came to each of these occurrences that has its attendance recorded (one query)."""
    came: dict[tuple[int, str], set[int]] = {}
    if not refs:
        return came
    for series_id, key, user_id in session.execute(
        sa.select(MeetupRun.series_id, MeetupRun.occurrence_key, Attendance.user_id)
        .outerjoin(Attendance, Attendance.run_id == MeetupRun.id)
        .where(sa.tuple_(MeetupRun.series_id, MeetupRun.occurrence_key).in_(list(refs)))
    ):
        people = came.setdefault((series_id, key), set())  # a run with no one marked counts too
        if user_id is not None:
            people.add(user_id)
    return came


def _prompt_lines(
    session: DbSession, occurrences: Sequence[Occurrence]
) -> dict[tuple[int, str], str]:
    """The first line of each occurrence's assigned prompt, by (series id, occurrence key)."""
    rows = session.execute(
        sa.select(
            PromptAssignment.series_id, PromptAssignment.occurrence_key, PromptAssignment.text
        ).where(
            sa.tuple_(PromptAssignment.series_id, PromptAssignment.occurrence_key).in_(
                list({occ.ref for occ in occurrences})
            )
        )
    )
    return {
        (series_id, key): text.strip().splitlines()[0]
        for series_id, key, text in rows
        if text.strip()
    }


def board(
    session: DbSession, occurrences: Sequence[Occurrence], viewer: User
) -> list[OccurrenceView]:
    """Views of these occurrences for the viewer: four queries whatever their number."""
    if not occurrences:
        return []
    members = members_by_circle(session, {occ.circle_id for occ in occurrences})
    answers = answers_for_series(session, {occ.series.id for occ in occurrences})
    facilitators = _facilitators(session, occurrences, members, answers)
    prompts = _prompt_lines(session, occurrences)
    views = []
    for occ in occurrences:
        mine = answers.get(occ.ref, {})
        view = OccurrenceView(occ, my_answer=mine.get(viewer.id))
        by_id = {user.id: user for user in members.get(occ.circle_id, [])}
        for user in by_id.values():
            answer = mine.get(user.id)
            bucket = {Answer.GOING: view.going, Answer.MAYBE: view.maybe, Answer.NO: view.not_going}
            (bucket[answer] if answer else view.unanswered).append(user)
        facilitator_id = facilitators.get(occ.ref)
        view.facilitator = by_id.get(facilitator_id) if facilitator_id else None
        view.prompt_line = prompts.get(occ.ref)
        views.append(view)
    return views
