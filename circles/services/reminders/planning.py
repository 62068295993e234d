"""Turning what is due into outbox rows: meetup reminders, RSVP nudges, load nudges."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.load import LoadEntry
from circles.models.meetup import MeetupSeries
from circles.models.notification import Notification, Status
from circles.models.user import User
from circles.services.load import log as load
from circles.services.meetups.board import answers_for_series, members_by_circle
from circles.services.meetups.series import Occurrence, occurrences_between
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind
from circles.services.reminders.relevance import meetup_dedupe_key

MEETUP_LEADS = ((Kind.meetup_soon, timedelta(hours=24)), (Kind.meetup_hour, timedelta(hours=1)))
RSVP_LEAD = timedelta(hours=48)
STALE = timedelta(minutes=15)  # a reminder this late is no longer worth sending


def occurrence_url(occ: Occurrence) -> str:
    return f"/circles/{occ.circle_id}/meetups/{occ.series.id}/{occ.key}"


def _remind(
    session: DbSession, user: User, kind: Kind, occ: Occurrence, due: datetime, now: datetime
) -> bool:
    if due < now - STALE or not user.wants(kind.value):
        return False
    when = outbox.deliver_at(user, max(due, now))
    if when >= occ.start:
        return False  # quiet hours last past the start: the reminder would be useless
    return outbox.enqueue(
        session,
        user,
        kind,
        meetup_dedupe_key(kind, user.id, occ),
        when,
        url=occurrence_url(occ),
        tag=f"meetup-{occ.series.id}-{occ.key}",
        respect_quiet_hours=False,
    )


def schedule_meetups(session: DbSession, now: datetime) -> int:
    """Reminders 24 h and 1 h before each meetup, and an RSVP nudge 48 h before."""
    series_list = list(session.scalars(sa.select(MeetupSeries)))
    coming = [
        occ
        for occ in occurrences_between(session, series_list, now, now + RSVP_LEAD + STALE)
        if not occ.cancelled
    ]
    if not coming:
        return 0
    members = members_by_circle(session, {occ.circle_id for occ in coming})
    answers = answers_for_series(session, {occ.series.id for occ in coming})
    stored = 0
    for occ in coming:
        answered = answers.get(occ.ref, {})
        for user in members.get(occ.circle_id, []):
            for kind, lead in MEETUP_LEADS:
                stored += _remind(session, user, kind, occ, occ.start - lead, now)
            if user.id not in answered:
                stored += _remind(session, user, Kind.rsvp_nudge, occ, occ.start - RSVP_LEAD, now)
    return stored


def forget_occurrence(session: DbSession, occ: Occurrence) -> None:
    """Drop pending reminders of a cancelled or moved meetup; moved ones are planned again."""
    for kind in (Kind.meetup_soon, Kind.meetup_hour, Kind.rsvp_nudge):
        session.execute(
            sa.delete(Notification).where(
                Notification.status == Status.PENDING.value,
                Notification.dedupe_key.like(f"{kind.value}:%:{occ.series.id}:{occ.key}:%"),
            )
        )


def schedule_load_nudges(session: DbSession, now: datetime) -> int:
    """The daily look at each recent logger's level (heavy two days running needs no new entry)."""
    recent = now.date() - timedelta(days=8)
    users = session.scalars(
        sa.select(User).where(
            User.id.in_(sa.select(LoadEntry.user_id).where(LoadEntry.local_date >= recent))
        )
    )
    return sum(load.plan_nudge(session, user, now) for user in users)
