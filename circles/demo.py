"""A demo circle to look around in (`flask circles seed-demo`)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from circles.models.base import DbSession
from circles.models.circle import Circle
from circles.models.load import LoadEntry
from circles.models.meetup import Answer
from circles.models.prompt import DeckPrompt
from circles.models.user import User
from circles.services.accounts import lookup
from circles.services.accounts import operations as accounts
from circles.services.accounts.passwords import Passwords
from circles.services.buddies import operations as buddy_actions
from circles.services.checkins import operations as checkins
from circles.services.circles import membership
from circles.services.circles import operations as circle_actions
from circles.services.meetups import operations as meetup_actions
from circles.services.meetups import presenting
from circles.services.meetups import series as meetups
from circles.services.meetups.recurrence import Repeat
from circles.services.prompts import deck as prompts
from circles.services.prompts import operations as prompt_actions
from circles.services.pulse import operations as pulse_actions
from circles.services.reach import operations as reach_actions
from circles.services.reach.ways import ReachKind
from circles.services.seasons import operations as season_actions
from circles.timezones import local_date

PULSE_ANSWERS = [
    [2, 6, 2, 6, 3, 6, 6],
    [1, 7, 2, 6, 2, 7, 6],
    [3, 5, 3, 5, 3, 6, 5],
    [2, 6, 1, 7, 2, 6, 7],
]
DEMO_REACH = [
    ("bo@demo.circles", ReachKind.PHONE, "+44 7911 123456"),
    ("bo@demo.circles", ReachKind.SIGNAL, "+44 7911 123456"),
    ("cy@demo.circles", ReachKind.TELEGRAM, "@cy_demo"),
    ("host@demo.circles", ReachKind.SCHEDULING, "https://cal.example.org/hana"),
]
PASSWORD = "quiet harbour at dawn"  # noqa: S105 - the documented demo login
PEOPLE = [
    ("host@demo.circles", "Hana"),
    ("ari@demo.circles", "Ari"),
    ("bo@demo.circles", "Bo"),
    ("cy@demo.circles", "Cy"),
    ("dee@demo.circles", "Dee"),
]


def _person(session: DbSession, passwords: Passwords, email: str, name: str) -> User:
    result = accounts.sign_up(
        session,
        passwords,
        email=email,
        display_name=name,
        password=PASSWORD,
        time_zone="Europe/London",
    )
    accounts.confirm_email(session, result.user)
    return result.user


def seed(session: DbSession, passwords: Passwords, now: datetime) -> bool:
    """Create the demo circle once; False when it is there already."""
    if lookup.find_by_email(session, PEOPLE[0][0]) is not None:
        return False
    people = [_person(session, passwords, email, name) for email, name in PEOPLE]
    host = people[0]
    circle = circle_actions.create_circle(
        session,
        host,
        name="Thursday leaders",
        purpose="Team leads in year one of a new team.",
        time_zone="Europe/London",
        agreement=membership.DEFAULT_AGREEMENT,
    )
    for person in people[1:]:
        membership.add_member(session, circle.id, person, now)
    first = date.today() + timedelta(days=(3 - date.today().weekday()) % 7 or 7)  # noqa: DTZ011
    meetup_actions.schedule_series(
        session,
        circle,
        host,
        meetups.Plan(
            start_date=first,
            start_time=time(18, 30),
            duration_minutes=90,
            repeat=Repeat.BIWEEKLY,
            video_url="https://meet.example.org/thursday-leaders",
            rotate_facilitator=True,
            format="forum",
        ),
    )
    prompts.sync_library(session)
    deck = [
        prompt_actions.add_from_library(session, circle, item["key"], host)
        for item in prompts.library_data()[:6]
    ]
    for person in people[1:4]:
        prompt_actions.toggle_vote(session, deck[1], person)
    _fill_next_meetup(session, circle, people, deck[1], now)
    _load_arc(session, host, now)
    _last_months_pulse(session, circle, people)
    buddy_actions.set_buddies(session, circle, True, now)
    for email, kind, value in DEMO_REACH:
        user = people[[address for address, _ in PEOPLE].index(email)]
        reach_actions.add_way(session, user, kind, value)
        reach_actions.set_sharing(session, user, circle, True)
    # A season in progress: six months, in its ninth week.
    season_actions.start_season(
        session,
        circle,
        host,
        starts_on=local_date(now, circle.time_zone) - timedelta(weeks=8),
        length=6,
        now=now,
    )
    signal = checkins.raise_signal(session, circle.id, people[2], now)
    checkins.answer_signal(session, signal, people[3], now)
    session.flush()
    return True


def _fill_next_meetup(
    session: DbSession, circle: Circle, people: list[User], prompt: DeckPrompt, now: datetime
) -> None:
    """Answers from most of the circle and a chosen prompt on the next meetup."""
    (occurrence,) = meetups.upcoming(session, [circle.id], now, 1)
    answers = [Answer.GOING, Answer.GOING, Answer.MAYBE, Answer.GOING, Answer.NO]
    for person, answer in zip(people, answers, strict=True):
        meetup_actions.set_rsvp(session, occurrence, person, answer, now)
    prompt_actions.assign_prompt(session, occurrence, prompt, now)
    presenting.volunteer(session, occurrence, people[1], now)
    presenting.save_prep(
        session,
        occurrence,
        people[1],
        presenting.Prep(
            situation="Two of my reports are in conflict and both come to me every week.",
            wanted="How you have handled being everyone's go-between.",
            not_wanted="A process to fix it.",
        ),
    )


def _load_arc(session: DbSession, host: User, now: datetime) -> None:
    """Six months of 1:1s: heavy at first, evening off; weekdays only, one holiday week."""
    rng = random.Random(7)  # noqa: S311 - demo data, not security
    today = date.today()  # noqa: DTZ011
    for days_ago in range(0, 180):
        day = today - timedelta(days=days_ago)
        if day.weekday() >= 5 or 70 <= days_ago < 77 or rng.random() > 0.6:
            continue  # weekends, the holiday week, and quiet days
        weights = [2, 3, 3, 4, 4, 5] if days_ago > 60 else [1, 2, 2, 3, 4]
        session.add(
            LoadEntry(
                user_id=host.id,
                client_id=f"demo-{days_ago:04d}",
                local_date=day,
                intensity=rng.choice(weights),
                logged_at=now,
            )
        )
    host.load_check_at = now  # the worker's next pass looks at the demo host's load


def _last_months_pulse(session: DbSession, circle: Circle, people: list[User]) -> None:
    """Two finished months of answers (7 from 4 people), so a pooled result shows."""
    last_month = date.today().replace(day=1) - timedelta(days=1)  # noqa: DTZ011
    month_before = last_month.replace(day=1) - timedelta(days=1)
    for person, answers in zip(people[:4], PULSE_ANSWERS, strict=False):
        pulse_actions.answer_pulse(session, circle.id, person, answers, last_month)
    for person, answers in zip(people[1:4], PULSE_ANSWERS, strict=False):
        pulse_actions.answer_pulse(session, circle.id, person, answers, month_before)
