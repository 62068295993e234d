"""Turning what is due into outbox rows: meetup reminders, RSVP nudges, load nudges.

Meetup reminders are planned when a series or occurrence changes, when someone joins a circle or
turns a kind of reminder back on, and by the worker's pass, which looks only at occurrences that
entered the horizon since its last pass. Either way a few statements plan any number of them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.meetup import MeetupSeries, Rsvp
from circles.models.notification import Notification, PlanningMark, Status
from circles.models.user import User
from circles.services.load import nudges
from circles.services.meetups.board import members_by_circle
from circles.services.meetups.series import Occurrence, occurrences_between, series_of
from circles.services.reminders import horizon, outbox
from circles.services.reminders.kinds import Kind
from circles.services.reminders.relevance import meetup_dedupe_key

MEETUP_LEADS = ((Kind.meetup_soon, timedelta(hours=24)), (Kind.meetup_hour, timedelta(hours=1)))
RSVP_LEAD = timedelta(hours=48)
STALE = timedelta(minutes=15)  # a reminder this late is no longer worth sending
HORIZON = RSVP_LEAD + STALE  # how far ahead reminders are planned
MEETUP_MARK = "meetups"


def occurrence_url(occ: Occurrence) -> str:
    return f"/circles/{occ.circle_id}/meetups/{occ.series.id}/{occ.key}"


def _reminder(
    user: User, kind: Kind, occ: Occurrence, due: datetime, now: datetime
) -> dict[str, Any] | None:
    if due < now - STALE or not user.wants(kind.value):
        return None
    when = outbox.deliver_at(user, max(due, now))
    if when >= occ.start:
        return None  # quiet hours last past the start: the reminder would be useless
    return outbox.row(
        user,
        kind,
        meetup_dedupe_key(kind, user.id, occ),
        when,
        url=occurrence_url(occ),
        tag=f"meetup-{occ.series.id}-{occ.key}",
        respect_quiet_hours=False,
    )


def _answered(session: DbSession, coming: Sequence[Occurrence]) -> set[tuple[int, str, int]]:
    """(series, occurrence, user) of every RSVP to these occurrences, and no others (one query)."""
    refs = {occ.ref for occ in coming}
    rows = session.execute(
        sa.select(Rsvp.series_id, Rsvp.occurrence_key, Rsvp.user_id).where(
            Rsvp.series_id.in_({series_id for series_id, _key in refs}),
            Rsvp.occurrence_key.in_({key for _series_id, key in refs}),
        )
    )
    return {(s, k, u) for s, k, u in rows if (s, k) in refs}


def plan_occurrences(
    session: DbSession,
    occurrences: Sequence[Occurrence],
    now: datetime,
    only_user: int | None = None,
) -> int:
    """Reminders 24 h and 1 h before each meetup, and an RSVP nudge 48 h before (3 statements)."""
    coming = [occ for occ in occurrences if not occ.cancelled]
    if not coming:
        return 0
    members = members_by_circle(session, {occ.circle_id for occ in coming})
    answered = _answered(session, coming)
    rows = []
    for occ in coming:
        for user in members.get(occ.circle_id, []):
            if only_user is not None and user.id != only_user:
                continue
            wanted = [(kind, occ.start - lead) for kind, lead in MEETUP_LEADS]
            if (*occ.ref, user.id) not in answered:
                wanted.append((Kind.rsvp_nudge, occ.start - RSVP_LEAD))
            rows += [_reminder(user, kind, occ, due, now) for kind, due in wanted]
    return outbox.store(session, [row for row in rows if row is not None])


def plan_series(session: DbSession, series: Collection[MeetupSeries], now: datetime) -> int:
    """Plan what is due soon of series just scheduled, edited, moved or restored."""
    return plan_occurrences(
        session, occurrences_between(session, list(series), now, now + HORIZON), now
    )


def plan_member(session: DbSession, user: User, circle_ids: Collection[int], now: datetime) -> int:
    """Plan the meetups coming soon in these circles for one person (joined, or reminders on)."""
    coming = occurrences_between(session, series_of(session, circle_ids), now, now + HORIZON)
    return plan_occurrences(session, coming, now, only_user=user.id)


def schedule_meetups(session: DbSession, now: datetime) -> int:
    """The pass: plan the occurrences that entered the horizon since the last pass."""
    mark = session.get(PlanningMark, MEETUP_MARK, with_for_update=True)  # one pass at a time
    start, end = (max(mark.reached, now) if mark else now), now + HORIZON
    if start >= end:
        return 0  # the clock went back: nothing new entered the horizon
    stored = plan_occurrences(session, horizon.entering(session, start, end), now)
    if mark is None:
        session.add(PlanningMark(name=MEETUP_MARK, reached=end))
    else:
        mark.reached = end
    session.flush()
    return stored


def forget_occurrence(session: DbSession, occ: Occurrence) -> None:
    """Drop pending reminders of a cancelled or moved meetup; moved ones are planned again."""
    session.execute(
        sa.delete(Notification).where(
            Notification.status == Status.PENDING.value,
            sa.or_(
                *(
                    Notification.dedupe_key.like(f"{kind.value}:%:{occ.series.id}:{occ.key}:%")
                    for kind in (Kind.meetup_soon, Kind.meetup_hour, Kind.rsvp_nudge)
                )
            ),
        )
    )


def schedule_load_nudges(session: DbSession, now: datetime) -> int:
    """The daily look at the load of everyone whose local day turned (see load.nudges)."""
    return nudges.plan_due(session, now)
