"""Who facilitates each occurrence on screen, without replaying a series' history on every page.

The rotation is a replay of every meetup a series held (``facilitation.rotate``). Replaying it in
two parts gives the same answer, so the queue it reached just before the first occurrence on screen
is kept in memory per process, keyed on everything that queue depends on: the series as edited,
its members in order, and the series' history revision, which every change to its history adds
one to (``history_changed``: answers, recorded attendance, cancelled or moved occurrences). A page
then replays only the occurrences from there to the last one it shows. Any change to the history
changes the revision, and the next page replays the history once (in its own few queries) and
keeps the queue again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.meetup import (
    Answer,
    Attendance,
    MeetupRun,
    MeetupSeries,
    Rsvp,
)
from circles.models.user import User
from circles.services.meetups.facilitation import replay
from circles.services.meetups.recurrence import to_utc
from circles.services.meetups.series import MOVE_REACH, Occurrence, occurrences_between

ROTATION_LIMIT = 520  # ten years of weekly meetups: how far back a replay reaches
CACHE_SIZE = 4096
_CAME = "came"  # marks attendance rows among answers in one result

Ref = tuple[int, str]
_queues: OrderedDict[tuple[Any, ...], tuple[int, ...]] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Turns:
    """For each rotating series on screen: where the screen starts and the meetups held from it."""

    series: dict[int, MeetupSeries]
    screen_start: dict[int, datetime]
    held: dict[int, list[str]]  # keys of held (not cancelled) occurrences from screen_start on

    @property
    def refs(self) -> set[Ref]:
        """The occurrences whose answers the rotation needs (beside those on screen)."""
        return {(series_id, key) for series_id, keys in self.held.items() for key in keys}


def turns(session: DbSession, occurrences: Sequence[Occurrence]) -> Turns:
    """The part of each rotating series a page replays itself (one query, none if no rotation)."""
    rotating = {occ.series.id: occ.series for occ in occurrences if occ.series.rotate_facilitator}
    if not rotating:
        return Turns({}, {}, {})
    screen_start: dict[int, datetime] = {}
    for occ in occurrences:
        if occ.series.id in rotating:
            first = screen_start.get(occ.series.id)
            screen_start[occ.series.id] = occ.start if first is None else min(first, occ.start)
    # Up to the latest shown, by its planned or its moved time: a meetup moved later stays in.
    until = max(max(occ.original_start, occ.start) for occ in occurrences) + timedelta(seconds=1)
    window = occurrences_between(
        session, list(rotating.values()), min(screen_start.values()), until
    )
    held: dict[int, list[str]] = defaultdict(list)
    for occ in window:
        if not occ.cancelled and occ.start >= screen_start[occ.series.id]:
            held[occ.series.id].append(occ.key)
    return Turns(rotating, screen_start, {sid: held[sid] for sid in rotating})


def facilitators(
    session: DbSession, plan: Turns, members: Mapping[int, list[User]], found: Said
) -> dict[Ref, int | None]:
    """The facilitator of each held occurrence in the plan, as a replay from the first would.

    ``found`` holds the answers and attendance of the plan's occurrences (``said``).
    """
    if not plan.series:
        return {}
    keys: dict[int, tuple[Any, ...]] = {}
    queues: dict[int, tuple[int, ...]] = {}
    for series_id, series in plan.series.items():
        order = tuple(user.id for user in members.get(series.circle_id, []))
        keys[series_id] = (
            series_id,
            series.created_at,
            series.updated_at,
            order,
            plan.screen_start[series_id],
            series.history_revision,
        )
        with _lock:
            if (queue := _queues.get(keys[series_id])) is not None:
                _queues.move_to_end(keys[series_id])
                queues[series_id] = queue
    missing = [plan.series[sid] for sid in plan.series if sid not in queues]
    if missing:
        for series_id, queue in _replay_history(session, plan, missing, members).items():
            queues[series_id] = queue
            with _lock:
                _queues[keys[series_id]] = queue
                while len(_queues) > CACHE_SIZE:
                    _queues.popitem(last=False)
    chosen: dict[Ref, int | None] = {}
    for series_id, series in plan.series.items():
        held = plan.held[series_id]
        absent = _absent(series_id, held, members.get(series.circle_id, []), found)
        for key, user_id in replay(queues[series_id], held, absent)[0].items():
            chosen[(series_id, key)] = user_id
    return chosen


def _replay_history(
    session: DbSession,
    plan: Turns,
    series_list: Sequence[MeetupSeries],
    members: Mapping[int, list[User]],
) -> dict[int, tuple[int, ...]]:
    """The queue each series reached before its screen start: the history replayed (3 queries)."""
    first = min(to_utc(s.start_local, s.time_zone) for s in series_list) - MOVE_REACH
    last = max(plan.screen_start[s.id] for s in series_list)
    held: dict[int, list[str]] = defaultdict(list)
    for occ in occurrences_between(session, series_list, first, last):
        if not occ.cancelled and occ.start < plan.screen_start[occ.series.id]:
            held[occ.series.id].append(occ.key)
    keys_of = {s.id: held[s.id][-ROTATION_LIMIT:] for s in series_list}
    refs = {(sid, key) for sid, keys in keys_of.items() for key in keys}
    history = said(session, refs, refusals_only=True)
    queues = {}
    for series in series_list:
        people = members.get(series.circle_id, [])
        absent = _absent(series.id, keys_of[series.id], people, history)
        queues[series.id] = tuple(replay([u.id for u in people], keys_of[series.id], absent)[1])
    return queues


def _absent(
    series_id: int, keys: Sequence[str], people: Sequence[User], found: Said
) -> dict[str, set[int]]:
    """Who was really there where it was recorded; otherwise who said they couldn't make it."""
    order = {user.id for user in people}
    return {
        key: order - found.came[(series_id, key)]
        if (series_id, key) in found.came
        else {uid for uid, a in found.answers.get((series_id, key), {}).items() if a is Answer.NO}
        for key in keys
    }


@dataclass
class Said:
    """What people answered to some occurrences, and who came where attendance was recorded."""

    answers: dict[Ref, dict[int, Answer]] = field(default_factory=lambda: defaultdict(dict))
    came: dict[Ref, set[int]] = field(default_factory=dict)


def said(session: DbSession, refs: set[Ref], refusals_only: bool = False) -> Said:
    """Answers to these occurrences and their recorded attendance (one query).

    With ``refusals_only``, only the answers "can't make it" (all the rotation needs).
    """
    found = Said()
    if not refs:
        return found
    pairs = sorted(refs)
    series_ids = sorted({series_id for series_id, _ in refs})  # lets the index on series_id in
    answers = sa.select(Rsvp.series_id, Rsvp.occurrence_key, Rsvp.user_id, Rsvp.answer).where(
        Rsvp.series_id.in_(series_ids),
        sa.tuple_(Rsvp.series_id, Rsvp.occurrence_key).in_(pairs),
    )
    if refusals_only:
        answers = answers.where(Rsvp.answer == Answer.NO.value)
    attended = (
        sa.select(
            MeetupRun.series_id,
            MeetupRun.occurrence_key,
            Attendance.user_id,
            sa.literal(_CAME),
        )
        .outerjoin(Attendance, Attendance.run_id == MeetupRun.id)
        .where(
            MeetupRun.series_id.in_(series_ids),
            sa.tuple_(MeetupRun.series_id, MeetupRun.occurrence_key).in_(pairs),
        )
    )
    for series_id, key, user_id, answer in session.execute(sa.union_all(answers, attended)):
        if answer == _CAME:
            people = found.came.setdefault((series_id, key), set())  # a run with no one marked
            if user_id is not None:
                people.add(user_id)
        else:
            found.answers[(series_id, key)][user_id] = Answer(answer)
    return found


def history_changed(session: DbSession, series_ids: Iterable[int]) -> None:
    """One more history revision for these series: the rotation kept for them is replayed again.

    An UPDATE in the database (not in Python), so two answers saved at once add two. The series'
    ``updated_at`` stays: calendar apps see the series itself as unchanged.
    """
    ids = sorted(set(series_ids))
    if not ids:
        return
    session.execute(
        sa.update(MeetupSeries)
        .where(MeetupSeries.id.in_(ids))
        .values(
            history_revision=MeetupSeries.history_revision + 1,
            updated_at=MeetupSeries.updated_at,
        )
        .execution_options(synchronize_session="fetch")
    )
