"""Season actions: start a season, answer continue / pause / leave, start the next season,
keep invites for the next season, wait for a seat, take an offered seat, come back after a pause.

Each function is one thing a person does, with all it implies; it flushes, never commits.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.circle import Circle, Invite, Membership
from circles.models.season import Season, SeasonMember, SeasonWaitlist
from circles.models.user import User
from circles.services.buddies import pairing as buddy_pairing
from circles.services.circles import operations as circle_actions
from circles.services.circles.invites import InviteState, state_of
from circles.services.circles.membership import (
    MembershipError,
    add_member,
    lock_circle,
    membership,
)
from circles.services.meetups.series import occurrences_between, series_of
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind
from circles.services.reminders.planning import plan_member
from circles.services.seasons import rules
from circles.services.seasons.planning import joined_mid_season, plan_reminders
from circles.services.seasons.queries import (
    SeasonError,
    choices,
    current,
    held_seats,
    paused_circles,
    season_member,
    today_in,
    waiting,
)
from circles.services.seasons.rules import Choice, Unit
from circles.timezones import wall_time_to_utc

# A season may be started a little in the past (it began at the last meetup) or ahead.
EARLIEST_START = timedelta(days=60)
LATEST_START = timedelta(days=90)


def _meetup_days(session: DbSession, circle: Circle, starts_on: date) -> list[date]:
    """The circle's planned meetup days from the start, in its zone (cancelled ones left out)."""
    begin = wall_time_to_utc(datetime.combine(starts_on, time()), circle.time_zone)
    found = occurrences_between(
        session, series_of(session, [circle.id]), begin, begin + timedelta(days=800)
    )
    return [today_in(circle, occ.start) for occ in found if not occ.cancelled]


def _length(unit: str, length: int) -> Unit:
    try:
        chosen = Unit(unit)
    except ValueError:
        raise SeasonError("Choose months or meetups.") from None
    problem = rules.length_problem(chosen, length)
    if problem:
        raise SeasonError(problem)
    return chosen


def _new_season(
    session: DbSession,
    circle: Circle,
    host: User,
    *,
    number: int,
    starts_on: date,
    unit: str,
    length: int,
    fixed: bool,
    now: datetime,
) -> Season:
    chosen = _length(unit, length)
    today = today_in(circle, now)
    if not today - EARLIEST_START <= starts_on <= today + LATEST_START:
        raise SeasonError("Choose a start within two months before or three months after today.")
    ends_on = rules.end_date(starts_on, chosen, length, _meetup_days(session, circle, starts_on))
    season = Season(
        circle_id=circle.id,
        number=number,
        starts_on=starts_on,
        ends_on=ends_on,
        length_unit=chosen.value,
        length=length,
        invites_next_season_only=fixed,
        started_by_id=host.id,
        started_at=now,
    )
    session.add(season)
    session.flush()
    members = list(
        session.scalars(sa.select(User).join(Membership).where(Membership.circle_id == circle.id))
    )
    session.add_all(
        SeasonMember(season_id=season.id, user_id=user.id, joined_on=starts_on) for user in members
    )
    session.flush()
    plan_reminders(session, season, members, now)
    return season


def start_season(
    session: DbSession,
    circle: Circle,
    host: User,
    *,
    starts_on: date,
    unit: str = Unit.MONTHS.value,
    length: int = rules.DEFAULT_MONTHS,
    fixed: bool = False,
    now: datetime,
) -> Season:
    """A host starts the circle's first season (later ones start with `start_next_season`)."""
    lock_circle(session, circle.id)
    if current(session, circle.id) is not None:
        raise SeasonError("A season is already running. Start the next one when it ends.")
    last = session.scalar(
        sa.select(sa.func.max(Season.number)).where(Season.circle_id == circle.id)
    )
    return _new_season(
        session,
        circle,
        host,
        number=(last or 0) + 1,
        starts_on=starts_on,
        unit=unit,
        length=length,
        fixed=fixed,
        now=now,
    )


def recommit(session: DbSession, season: Season, user: User, choice: str, now: datetime) -> None:
    """A member answers privately for the next season: continue, pause or leave."""
    try:
        chosen = Choice(choice)
    except ValueError:
        raise SeasonError("Choose continue, pause or leave.") from None
    if not season.is_current:
        raise SeasonError("That season is over.")
    if not rules.recommit_open(season.starts_on, season.ends_on, today_in(season.circle, now)):
        opens = rules.recommit_opens_on(season.starts_on, season.ends_on)
        raise SeasonError(f"You can answer from {opens:%A %-d %B}, two weeks before the end.")
    if membership(session, season.circle_id, user.id) is None:
        raise LookupError("not in this circle")
    mine = season_member(session, season.id, user.id)
    if mine is None:
        mine = SeasonMember(season_id=season.id, user_id=user.id, joined_on=season.starts_on)
        session.add(mine)
    mine.choice, mine.answered_at = chosen.value, now
    session.flush()


def set_fixed_membership(session: DbSession, season: Season, fixed: bool) -> None:
    """A host keeps invites for the next season only (invite links then lead to the waitlist)."""
    if not season.is_current:
        raise SeasonError("That season is over.")
    season.invites_next_season_only = fixed
    session.flush()


def start_next_season(
    session: DbSession,
    circle: Circle,
    host: User,
    *,
    unit: str = Unit.MONTHS.value,
    length: int = rules.DEFAULT_MONTHS,
    now: datetime,
) -> Season:
    """End the running season and start the next with those who continue.

    Those who chose pause or leave step out of the circle (pausers stay in its history and can
    come back); the freed seats are offered to the waitlist, first come first; everyone who was
    in the season is told their summary is ready.
    """
    locked = lock_circle(session, circle.id)
    season = current(session, circle.id)
    if season is None:
        raise SeasonError("No season is running. Start the first one.")
    today = today_in(locked, now)
    if not rules.can_start_next(season.starts_on, season.ends_on, today):
        opens = rules.recommit_opens_on(season.starts_on, season.ends_on)
        raise SeasonError(
            f"The next season can start from {opens:%A %-d %B}, once members have had two "
            "weeks to say whether they continue."
        )
    _length(unit, length)  # refuse a bad length before anyone steps out

    split = rules.next_season(choices(session, season))
    stepping_out = set(split.pausing) | set(split.leaving)
    for member in session.scalars(
        sa.select(Membership).where(
            Membership.circle_id == circle.id, Membership.user_id.in_(stepping_out)
        )
    ).all():
        circle_actions.leave(session, member)  # the last host cannot: they hand over first
    season.ended_at = now
    session.flush()
    fixed = season.invites_next_season_only
    following = _new_season(
        session,
        locked,
        host,
        number=season.number + 1,
        starts_on=today,
        unit=unit,
        length=length,
        fixed=fixed,
        now=now,
    )
    session.refresh(locked)
    _offer_seats(session, locked, now)
    _summaries_ready(session, season, now)
    return following


def _offer_seats(session: DbSession, circle: Circle, now: datetime) -> None:
    queue = waiting(session, circle.id)
    chosen = set(
        rules.seats_to_offer(
            circle.member_cap,
            circle.member_count + held_seats(session, circle.id, now),
            [w.id for w in queue],
        )
    )
    rows: list[dict[str, Any]] = []
    for entry in queue:
        if entry.id not in chosen:
            continue
        entry.offered_at = now
        user = session.get(User, entry.user_id)
        if user is not None and user.wants(Kind.season_seat.value):
            rows.append(
                outbox.row(
                    user,
                    Kind.season_seat,
                    f"season_seat:{entry.id}:{user.id}",
                    now,
                    url="/me/seasons",
                    tag="season-seat",
                )
            )
    session.flush()
    outbox.store(session, rows)


def _summaries_ready(session: DbSession, season: Season, now: datetime) -> None:
    people = session.scalars(
        sa.select(User).join(SeasonMember).where(SeasonMember.season_id == season.id)
    ).all()
    outbox.store(
        session,
        [
            outbox.row(
                user,
                Kind.season_summary,
                f"season_summary:{season.id}:{user.id}",
                now,
                url=f"/me/seasons/{season.id}",
                tag=f"season-summary-{season.id}",
            )
            for user in people
            if user.wants(Kind.season_summary.value)
        ],
    )


def join_waitlist(session: DbSession, invite: Invite, user: User, now: datetime) -> SeasonWaitlist:
    """Someone with an invite for the next season waits for a seat (once per circle)."""
    if state_of(invite, now) not in (InviteState.OPEN, InviteState.FULL):
        raise SeasonError("This invite no longer works. Ask the host for a new link.")
    if membership(session, invite.circle_id, user.id) is not None:
        raise SeasonError("You're already in this circle.")
    waiting = session.scalar(
        sa.select(SeasonWaitlist).where(
            SeasonWaitlist.circle_id == invite.circle_id, SeasonWaitlist.user_id == user.id
        )
    )
    if waiting is not None:
        return waiting
    entry = SeasonWaitlist(circle_id=invite.circle_id, user_id=user.id, added_at=now)
    session.add(entry)
    session.flush()
    return entry


def leave_waitlist(session: DbSession, entry: SeasonWaitlist) -> None:
    """Step off the waitlist (or turn an offered seat down)."""
    session.delete(entry)
    session.flush()


def _seat(session: DbSession, circle: Circle, user: User, now: datetime) -> Membership:
    joined = add_member(session, circle.id, user, agreed_at=now)
    buddy_pairing.regroup(session, circle, now)
    plan_member(session, user, [circle.id], now)
    joined_mid_season(session, circle.id, user, now)
    return joined


def take_seat(
    session: DbSession, entry: SeasonWaitlist, user: User, *, agreed: bool, now: datetime
) -> Membership:
    """Take a seat offered from the waitlist; needs the agreement accepted and a free seat."""
    if entry.user_id != user.id or entry.offered_at is None:
        raise LookupError("no such offer")
    if not agreed:
        raise SeasonError("To join, tick the box to accept the circle's agreement.")
    circle = lock_circle(session, entry.circle_id)
    existing = membership(session, circle.id, user.id)
    if existing is None:
        try:
            return _seat(session, circle, user, now)  # which also ends the waitlist place
        except MembershipError:
            raise SeasonError("The circle filled up before you could take the seat.") from None
    session.delete(entry)
    session.flush()
    return existing


def come_back(session: DbSession, circle: Circle, user: User, now: datetime) -> Membership | None:
    """Someone who paused comes back: straight in when a seat is free and invites are open,
    otherwise onto the waitlist for the next season (None)."""
    if circle.id not in {c.id for c in paused_circles(session, user)}:
        raise LookupError("not paused in this circle")
    locked = lock_circle(session, circle.id)
    season = current(session, circle.id)
    free = locked.seats_left - held_seats(session, locked.id, now)
    if free > 0 and (season is None or not season.invites_next_season_only):
        return _seat(session, locked, user, now)
    exists = session.scalar(
        sa.select(SeasonWaitlist).where(
            SeasonWaitlist.circle_id == circle.id, SeasonWaitlist.user_id == user.id
        )
    )
    if exists is None:
        session.add(SeasonWaitlist(circle_id=circle.id, user_id=user.id, added_at=now))
        session.flush()
    return None
