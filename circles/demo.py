"""A demo circle to look around in (`flask circles seed-demo`)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from circles.models.base import DbSession
from circles.models.load import LoadEntry
from circles.models.user import User
from circles.services.accounts import lookup
from circles.services.accounts import operations as accounts
from circles.services.accounts.passwords import Passwords
from circles.services.checkins import operations as checkins
from circles.services.circles import membership
from circles.services.circles import operations as circle_actions
from circles.services.meetups import operations as meetup_actions
from circles.services.meetups import series as meetups
from circles.services.meetups.recurrence import Repeat
from circles.services.prompts import deck as prompts
from circles.services.prompts import operations as prompt_actions

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
        ),
    )
    prompts.sync_library(session)
    for item in prompts.library_data()[:6]:
        prompt_actions.add_from_library(session, circle, item["key"], host)
    rng = random.Random(7)  # noqa: S311 - demo data, not security
    for days_ago in range(0, 180):
        if rng.random() < 0.45:
            day = date.today() - timedelta(days=days_ago)  # noqa: DTZ011
            # The arc of the first months: heavy early on, lighter lately.
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
    checkins.raise_signal(session, circle.id, people[2], now)
    session.flush()
    return True
