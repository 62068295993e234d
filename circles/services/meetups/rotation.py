"""Who facilitates each occurrence on screen, without replaying a series' history on every page.

The rotation is a replay of every meetup a series held (``facilitation.rotate``). Replaying it in
two parts gives the same answer, so the queue it reached just before the first occurrence on screen
is kept in memory per process, keyed on everything that queue depends on: the series as edited,
its members in order, and a fingerprint of its history (answers "can't make it", recorded
attendance, cancelled or moved occurrences) that one grouped query reads. A page then replays only
the occurrences from there to the last one it shows. Any change to the history changes the
fingerprint, and the next page replays the history once (in its own few queries) and keeps the
queue again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Mapping, Sequence
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
    OccurrenceChange,
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
    prints = _fingerprints(session, set(plan.series))
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
            prints.get(series_id, ()),
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


def _fingerprint_query() -> sa.CompoundSelect[Any]:
    """Counts, sums, the highest id and the latest change time of a series' "can't make it"
    answers, its recorded meetups, their attendance and its changed occurrences: a row added,
    removed or edited moves at least one of them. Built once; the series ids are bound per call.
    """
    ids: sa.BindParameter[list[int]] = sa.bindparam("series_ids", expanding=True)
    when, none_int = sa.cast(sa.null(), sa.DateTime), sa.cast(sa.null(), sa.Integer)
    parts = [
        sa.select(
            Rsvp.series_id,
            sa.literal("r"),
            sa.func.count(),
            sa.func.max(Rsvp.updated_at),
            sa.func.max(Rsvp.id),
            sa.func.sum(Rsvp.user_id),
        )
        .where(Rsvp.series_id.in_(ids), Rsvp.answer == Answer.NO.value)
        .group_by(Rsvp.series_id),
        sa.select(
            MeetupRun.series_id,
            sa.literal("m"),
            sa.func.count(),
            sa.func.max(MeetupRun.recorded_at),
            sa.func.max(MeetupRun.id),
            none_int,
        )
        .where(MeetupRun.series_id.in_(ids))
        .group_by(MeetupRun.series_id),
        sa.select(
            MeetupRun.series_id,
            sa.literal("a"),
            sa.func.count(),
            when,
            sa.func.max(Attendance.id),
            sa.func.sum(Attendance.user_id),
        )
        .join(Attendance, Attendance.run_id == MeetupRun.id)
        .where(MeetupRun.series_id.in_(ids))
        .group_by(MeetupRun.series_id),
        sa.select(
            OccurrenceChange.series_id,
            sa.literal("c"),
            sa.func.count(),
            sa.func.max(OccurrenceChange.updated_at),
            sa.func.max(OccurrenceChange.id),
            sa.func.sum(OccurrenceChange.revision),
        )
        .where(OccurrenceChange.series_id.in_(ids))
        .group_by(OccurrenceChange.series_id),
    ]
    return sa.union_all(*parts)


_FINGERPRINT = _fingerprint_query()


def _fingerprints(session: DbSession, series_ids: set[int]) -> dict[int, tuple[Any, ...]]:
    """What each series' history holds, in a few numbers that change whenever it does (1 query)."""
    found: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for series_id, *rest in session.execute(_FINGERPRINT, {"series_ids": sorted(series_ids)}):
        found[series_id].append(tuple(str(value) for value in rest))
    return {series_id: tuple(sorted(rows)) for series_id, rows in found.items()}
