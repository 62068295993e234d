"""Planning reminders: each stored once, at the moment something changes, for a few statements."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from circles.extensions import db
from circles.models import Circle, Notification, User
from circles.models.base import utcnow
from circles.services.circles import operations as circle_actions
from circles.services.load import operations as load_actions
from circles.services.meetups import operations as meetup_actions
from circles.services.meetups import series as meetups
from circles.services.meetups.recurrence import Repeat
from circles.services.reminders import operations as reminder_actions
from circles.services.reminders import outbox, planning
from circles.services.reminders.kinds import Kind
from circles.worker import plan
from tests.support.queries import count_queries

ZONE = "Europe/London"


def _now() -> datetime:
    # Whole minutes, so meetup start times typed as wall times match to the minute.
    return utcnow().replace(second=0, microsecond=0)


def _schedule(circle: Circle, host: User, start: datetime, now: datetime) -> meetups.MeetupSeries:
    local = start.astimezone(ZoneInfo(circle.time_zone))
    return meetup_actions.schedule_series(
        db.session,
        circle,
        host,
        meetups.Plan(
            start_date=local.date(),
            start_time=local.time(),
            duration_minutes=60,
            repeat=Repeat.WEEKLY,
        ),
        now,
    )


def _reminders(kind: Kind | None = None) -> list[Notification]:
    query = db.select(Notification).order_by(Notification.id)
    if kind is not None:
        query = query.where(Notification.kind == kind.value)
    return list(db.session.scalars(query))


def _circle_of(make_user: Callable[..., User], make_circle: Callable[..., Any], size: int) -> Any:
    host = make_user()
    members = tuple(make_user() for _ in range(size - 1))
    circle = make_circle(host, members=members)
    return db.session.get(Circle, circle.id), db.session.get(User, host.id)


def test_planning_the_same_reminder_twice_stores_it_once_and_says_so(make_user, ctx) -> None:
    user = db.session.get(User, make_user().id)
    due = _now() + timedelta(hours=1)
    first = outbox.enqueue(db.session, user, Kind.meetup_hour, "k:1", due, url="/", tag="t")
    again = outbox.enqueue(db.session, user, Kind.meetup_hour, "k:1", due, url="/", tag="t")
    stored = outbox.store(
        db.session,
        [
            outbox.row(user, Kind.meetup_hour, key, due, url="/", tag="t")
            for key in ("k:1", "k:2", "k:3")
        ],
    )
    assert (first, again, stored) == (True, False, 2)
    assert [n.dedupe_key for n in _reminders()] == ["k:1", "k:2", "k:3"]


def test_scheduling_a_meetup_in_five_hours_plans_its_reminder_at_once(
    make_user, make_circle, ctx
) -> None:
    circle, host = _circle_of(make_user, make_circle, 3)
    now = _now()
    _schedule(circle, host, now + timedelta(hours=5), now)
    db.session.commit()
    hour = _reminders(Kind.meetup_hour)
    # The 24-hour reminder and the RSVP nudge were due long ago: too late to be worth sending.
    assert {n.kind for n in _reminders()} == {Kind.meetup_hour.value}
    assert len({n.user_id for n in hour}) == 3
    assert {n.due_at for n in hour} == {now + timedelta(hours=4)}


def test_the_pass_plans_a_meetup_when_it_enters_the_horizon_and_only_then(
    make_user, make_circle, ctx
) -> None:
    circle, host = _circle_of(make_user, make_circle, 2)
    now = _now()
    start = now + timedelta(days=3)
    _schedule(circle, host, start, now)
    assert planning.schedule_meetups(db.session, now) == 0  # three days out: nothing yet
    assert _reminders() == []
    entered = start - planning.HORIZON + timedelta(minutes=1)
    # Two people, three reminders each: 48 h (RSVP), 24 h and 1 h before.
    assert planning.schedule_meetups(db.session, entered) == 6
    assert planning.schedule_meetups(db.session, entered + timedelta(minutes=1)) == 0
    due = {(n.kind, n.due_at) for n in _reminders()}
    assert due == {
        (Kind.rsvp_nudge.value, start - timedelta(hours=48)),
        (Kind.meetup_soon.value, start - timedelta(hours=24)),
        (Kind.meetup_hour.value, start - timedelta(hours=1)),
    }


def test_a_meetup_moved_a_day_earlier_is_planned_when_its_new_time_enters_the_horizon(
    make_user, make_circle, ctx
) -> None:
    circle, host = _circle_of(make_user, make_circle, 1)
    now = _now()
    start = now + timedelta(days=5)
    series = _schedule(circle, host, start, now)
    (occ,) = meetups.occurrences_between(db.session, [series], start, start + timedelta(hours=1))
    earlier = (start - timedelta(days=1)).astimezone(ZoneInfo(circle.time_zone))
    meetup_actions.move_occurrence(db.session, occ, earlier.replace(tzinfo=None), now)
    planning.schedule_meetups(db.session, now)
    assert _reminders() == []  # four days out: not yet
    entered = start - timedelta(days=1) - planning.HORIZON + timedelta(minutes=1)
    assert planning.schedule_meetups(db.session, entered) == 3
    assert {n.due_at for n in _reminders(Kind.meetup_hour)} == {start - timedelta(days=1, hours=1)}
    # When the old time enters the horizon, nothing is planned for it.
    later = start - planning.HORIZON + timedelta(minutes=1)
    assert planning.schedule_meetups(db.session, later) == 0


def test_someone_who_joins_is_reminded_of_tomorrows_meetup(make_user, make_circle, ctx) -> None:
    circle, host = _circle_of(make_user, make_circle, 1)
    now = _now()
    _schedule(circle, host, now + timedelta(hours=30), now)
    plan(now)
    newcomer = db.session.get(User, make_user().id)
    invite = circle_actions.create_invite(db.session, circle, host, now)
    circle_actions.join_circle(db.session, invite.invite, newcomer, agreed=True, now=now)
    db.session.commit()
    plan(now + timedelta(minutes=1))
    theirs = {n.kind for n in _reminders() if n.user_id == newcomer.id}
    assert theirs == {Kind.meetup_soon.value, Kind.meetup_hour.value}


def test_turning_meetup_reminders_back_on_plans_the_meetup_coming_soon(
    make_user, make_circle, ctx
) -> None:
    circle, host = _circle_of(make_user, make_circle, 1)
    reminder_actions.choose_reminders(db.session, host, [Kind.meetup_hour.value])
    now = _now()
    _schedule(circle, host, now + timedelta(hours=5), now)
    plan(now)
    assert _reminders(Kind.meetup_hour) == []
    reminder_actions.choose_reminders(db.session, host, [])
    db.session.commit()
    assert [n.user_id for n in _reminders(Kind.meetup_hour)] == [host.id]


def _log_heavy_day(user: User, now: datetime, prefix: str) -> None:
    for n, intensity in enumerate((5, 5, 4)):  # 14 against a typical week of 10: heavy
        load_actions.log_entry(
            db.session, user, client_id=f"{prefix}-{n:04d}", intensity=intensity, now=now
        )


def test_the_daily_pass_nudges_whoever_stays_heavy_without_logging_again(make_user, ctx) -> None:
    zone = ZoneInfo(ZONE)
    user = db.session.get(User, make_user(time_zone=ZONE, typical_week=10).id)
    idle = db.session.get(User, make_user(time_zone=ZONE).id)
    day = _now().astimezone(zone).date() - timedelta(days=3)
    logged_at = datetime.combine(day, time(10), zone).astimezone(ZoneInfo("UTC"))
    _log_heavy_day(user, logged_at, "heavy")
    load_actions.log_entry(db.session, idle, client_id="idle-0001", intensity=1, now=logged_at)
    db.session.commit()
    assert _reminders(Kind.load_checkin) == []  # heavy today, but yesterday was not
    late_that_day = logged_at + timedelta(hours=13)
    assert planning.schedule_load_nudges(db.session, late_that_day) == 0
    next_morning = datetime.combine(day + timedelta(days=1), time(0, 5), zone)
    assert planning.schedule_load_nudges(db.session, next_morning) == 1
    assert planning.schedule_load_nudges(db.session, next_morning + timedelta(hours=1)) == 0
    (nudge,) = _reminders(Kind.load_checkin)
    assert nudge.user_id == user.id and nudge.url == "/load"
    # A week on, with nothing logged since, nobody is looked at any more.
    for days in range(2, 9):
        planning.schedule_load_nudges(db.session, next_morning + timedelta(days=days))
    assert user.load_check_at is None and idle.load_check_at is None


def test_the_pass_nudges_exactly_whom_looking_one_by_one_would(make_user, ctx) -> None:
    """Grouped queries over many people in different zones give each their own answer."""
    now = _now()
    people = []
    for n, zone in enumerate(("Pacific/Auckland", "Europe/London", "America/Los_Angeles") * 4):
        person = db.session.get(User, make_user(time_zone=zone, typical_week=4 + n).id)
        for back in range(n % 4 + 1):
            load_actions.log_entry(
                db.session,
                person,
                client_id=f"p{n}-{back:04d}",
                intensity=5 - back % 3,
                now=now - timedelta(days=back),
            )
        people.append(person)
    db.session.rollback()  # forget the nudges logging planned: the pass must find them again
    one_by_one = set()
    for person in people:
        with db.session.begin_nested() as trial:
            if load_actions.plan_nudge(db.session, person, now + timedelta(days=1)):
                one_by_one.add(person.id)
            trial.rollback()
    db.session.execute(db.update(User).values(load_check_at=now))
    assert planning.schedule_load_nudges(db.session, now + timedelta(days=1)) == len(one_by_one)
    assert {n.user_id for n in _reminders(Kind.load_checkin)} == one_by_one
    assert 0 < len(one_by_one) < len(people)  # the data tells some apart from others


def _populate(make_user, make_circle, circles: int, now: datetime) -> None:
    for n in range(circles):
        circle, host = _circle_of(make_user, make_circle, 5)
        _schedule(circle, host, now + timedelta(days=1 + n % 7, hours=2), now)
        for member in db.session.scalars(db.select(User).where(User.email.like("%@example.com"))):
            if member.load_check_at is None:
                _log_heavy_day(member, now, f"c{n}u{member.id}")
    db.session.commit()


def test_a_pass_with_nothing_to_do_costs_the_same_few_statements_for_any_number_of_circles(
    make_user, make_circle, ctx
) -> None:
    now = _now()
    counts = []
    for circles, later in ((1, 1), (11, 2)):
        _populate(make_user, make_circle, circles, now)
        plan(now + timedelta(minutes=later))
        with count_queries(db.engine) as statements:
            plan(now + timedelta(minutes=later, seconds=30))
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 8, counts


def test_the_daily_look_costs_the_same_statements_for_5_people_as_for_60(
    make_user, make_circle, ctx
) -> None:
    now = _now()
    counts = []
    for circles in (1, 11):
        _populate(make_user, make_circle, circles, now)
        db.session.execute(db.update(User).values(load_check_at=now))  # all due at once
        with count_queries(db.engine) as statements:
            nudged = planning.schedule_load_nudges(db.session, now + timedelta(seconds=1))
        db.session.rollback()
        counts.append(len(statements))
    assert nudged == 0  # the heavy day was today: not two days running yet
    assert counts[0] == counts[1], counts
