"""A person with a given amount of data: circles of 8, weekly meetups going back, a 1:1 log.

Used by the statement-count tests (small against 10 x) and by the page benchmarks. Bulk rows go
in with plain INSERTs; circles, members and series through the services, as a person would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock

import sqlalchemy as sa

from circles.models.base import DbSession, utcnow
from circles.models.load import LoadEntry
from circles.models.meetup import Attendance, MeetupRun, MeetupSeries, Rsvp
from circles.models.notification import Notification
from circles.models.user import User
from circles.services.circles import membership
from circles.services.circles import operations as circle_actions
from circles.services.meetups import operations as meetup_actions
from circles.services.meetups import series as meetups
from circles.services.meetups.recurrence import Repeat

MEMBERS = 8


@dataclass(frozen=True)
class Volume:
    circles: int = 3
    series_weeks: int = 12  # how old each circle's weekly meetup is
    log_weeks: int = 26  # how far back the person's 1:1 log goes
    notifications: int = 20
    heavy_week: bool = False  # five heavy 1:1s on each of the last three days: Today nudges
    member_of: int | None = None  # how many of the circles the person is in (None: all)


@dataclass(frozen=True)
class Built:
    user_id: int
    email: str
    circle_ids: list[int]  # the first ones are the person's
    series_ids: list[int]
    next_key: str  # the first circle's next meetup


def _person(session: DbSession, email: str, name: str, password_hash: str) -> User:
    user = User(
        email=email,
        display_name=name,
        password_hash=password_hash,
        time_zone="Europe/London",
        email_confirmed_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return user


def populate(
    session: DbSession, tag: str, volume: Volume, password_hash: str, now: datetime | None = None
) -> Built:
    """Everything for one person (``<tag>@volume.test``); flushed, not committed."""
    now = now or utcnow()
    me = _person(session, f"{tag}@volume.test", f"Me {tag}", password_hash)
    circle_ids: list[int] = []
    series_list: list[MeetupSeries] = []
    for n in range(volume.circles):
        host = me if n == 0 else _person(session, f"{tag}-h{n}@volume.test", f"H{n}", password_hash)
        circle = circle_actions.create_circle(
            session, host, name=f"Circle {n}", purpose="", time_zone="Europe/London", agreement="a"
        )
        people = [host]
        mine = volume.member_of is None or n < volume.member_of
        if host is not me and mine:
            membership.add_member(session, circle.id, me, now)
            people.append(me)
        while len(people) < MEMBERS:
            k = len(people)
            person = _person(session, f"{tag}-m{n}-{k}@volume.test", f"M{n}.{k}", password_hash)
            membership.add_member(session, circle.id, person, now)
            people.append(person)
        plan = meetups.Plan(
            start_date=(now - timedelta(weeks=volume.series_weeks)).date(),
            start_time=clock(19),
            duration_minutes=90,
            repeat=Repeat.WEEKLY,
            rotate_facilitator=True,
        )
        series = meetup_actions.schedule_series(session, circle, host, plan)
        _past_meetups(session, series, people, now)
        circle_ids.append(circle.id)
        series_list.append(series)
    _log(session, me, volume.log_weeks, now, volume.heavy_week)
    _notifications(session, me, volume.notifications, now)
    session.flush()
    upcoming = meetups.next_occurrence(session, series_list[0], now)
    assert upcoming is not None
    return Built(me.id, me.email, circle_ids, [s.id for s in series_list], upcoming.key)


def _past_meetups(
    session: DbSession, series: MeetupSeries, people: list[User], now: datetime
) -> None:
    """Every past occurrence answered by everyone (one in eight can't make it), and recorded."""
    start = now - timedelta(weeks=600)
    past = [occ for occ in meetups.occurrences_between(session, [series], start, now)]
    rsvps = [
        {
            "series_id": series.id,
            "occurrence_key": occ.key,
            "user_id": person.id,
            "answer": "no" if (i + j) % MEMBERS == 0 else "going",
            "updated_at": occ.start,
        }
        for i, occ in enumerate(past)
        for j, person in enumerate(people)
    ]
    if rsvps:
        session.execute(sa.insert(Rsvp), rsvps)
    for i, occ in enumerate(past):
        run = MeetupRun(
            series_id=series.id,
            occurrence_key=occ.key,
            started_at=occ.start,
            format=series.format,
            recorded_at=occ.end,
        )
        session.add(run)
        session.flush()
        came = [
            {"run_id": run.id, "user_id": person.id}
            for j, person in enumerate(people)
            if (i + j) % MEMBERS != 0
        ]
        session.execute(sa.insert(Attendance), came)


def _log(session: DbSession, me: User, weeks: int, now: datetime, heavy: bool) -> None:
    today = now.date()
    if heavy:
        session.execute(
            sa.insert(LoadEntry),
            [
                {
                    "user_id": me.id,
                    "client_id": f"volume-{me.id}-heavy-{day}-{n}",
                    "local_date": today - timedelta(days=day),
                    "intensity": 5,
                    "minutes": 60,
                    "tags": "",
                    "logged_at": now - timedelta(days=day),
                }
                for day in range(3)
                for n in range(5)
            ],
        )
    session.execute(
        sa.insert(LoadEntry),
        [
            {
                "user_id": me.id,
                "client_id": f"volume-{me.id}-{day}",
                "local_date": today - timedelta(days=day),
                "intensity": 1 + day % 5,
                "minutes": 30,
                "tags": "",
                "logged_at": now - timedelta(days=day),
            }
            for day in range(1, weeks * 7)
        ],
    )


def _notifications(session: DbSession, me: User, count: int, now: datetime) -> None:
    if not count:
        return
    session.execute(
        sa.insert(Notification),
        [
            {
                "user_id": me.id,
                "kind": "meetup_soon",
                "dedupe_key": f"volume-{me.id}-{n}",
                "due_at": now - timedelta(hours=n),
                "next_attempt_at": now - timedelta(hours=n),
                "title": "Meetup soon",
                "body": "Your circle meets soon.",
                "url": "/",
                "tag": f"v{n}",
                "status": "sent",
                "attempts": 1,
                "sent_at": now - timedelta(hours=n),
                "read_at": None if n % 3 else now,
                "created_at": now - timedelta(hours=n),
            }
            for n in range(count)
        ],
    )
