"""Buddy pairs in a circle: a fair rotation every period, stored so everyone sees the same."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.buddy import BuddyMeeting, BuddyRound
from circles.models.circle import Circle, Membership
from circles.models.user import User
from circles.services.buddies.rounds import buddies_of, groups_for_round, period_index
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind
from circles.timezones import local_date


def _roster(session: DbSession, circle_id: int) -> list[int]:
    return list(
        session.scalars(
            sa.select(Membership.user_id)
            .where(Membership.circle_id == circle_id)
            .order_by(Membership.joined_at, Membership.id)
        )
    )


def ask_after(circle: Circle) -> timedelta:
    """How far into a pairing members are asked if they met: a week, or a day before it ends."""
    return timedelta(days=min(7, circle.buddy_period_days - 1))


def _announce(
    session: DbSession, circle: Circle, made: BuddyRound, user: User, version: str, now: datetime
) -> None:
    """Tell a member about their new buddy now, and ask later whether they met."""
    outbox.enqueue(
        session,
        user,
        Kind.buddy_pairing,
        f"buddy_pairing:{user.id}:{made.id}{version}",
        now,
        url=f"/circles/{circle.id}",
        tag=f"buddies-{circle.id}",
    )
    outbox.enqueue(
        session,
        user,
        Kind.buddy_met,
        f"buddy_met:{user.id}:{made.id}{version}",
        now + ask_after(circle),
        url=f"/circles/{circle.id}#buddy-heading",
        tag=f"buddies-{circle.id}",
    )


def latest_round(session: DbSession, circle_id: int) -> BuddyRound | None:
    return session.scalar(
        sa.select(BuddyRound)
        .where(BuddyRound.circle_id == circle_id)
        .order_by(BuddyRound.period_index.desc())
        .limit(1)
    )


def ensure_round(session: DbSession, circle: Circle, now: datetime) -> BuddyRound | None:
    """The current period's groups, made (and announced) the first time they are needed."""
    if not circle.buddies_on or circle.buddies_started_on is None:
        return None
    today = local_date(now, circle.time_zone)
    previous = latest_round(session, circle.id)
    # A round lasts the circle's period from the day it began; changing the period never
    # strands the rotation, it only changes when the next round starts.
    if (
        previous is not None
        and period_index(previous.starts_on, today, circle.buddy_period_days) < 1
    ):
        return previous
    period = previous.period_index + 1 if previous is not None else 0
    roster = _roster(session, circle.id)
    if len(roster) < 2:
        return previous
    roster_text = ",".join(map(str, roster))
    # Same members: carry on through the cycle. Anyone joined or left: start a fresh cycle.
    same = previous is not None and previous.roster == roster_text
    round_index = previous.round_index + 1 if same and previous else 0
    groups = groups_for_round(roster, round_index)
    made = BuddyRound(
        circle_id=circle.id,
        period_index=period,
        round_index=round_index,
        roster=roster_text,
        groups=";".join(",".join(map(str, g)) for g in groups),
        starts_on=today,
    )
    try:
        with session.begin_nested():  # two workers at once: the first one's round stands
            session.add(made)
    except sa.exc.IntegrityError:
        return latest_round(session, circle.id)
    for user in session.scalars(sa.select(User).where(User.id.in_(roster))):
        _announce(session, circle, made, user, "", now)
    return made


def regroup(session: DbSession, circle: Circle, now: datetime) -> None:
    """Someone joined or left: the current period's groups are made again from today's members.

    Only those whose buddies changed are told; the rotation starts a fresh cycle.
    """
    if not circle.buddies_on or circle.buddies_started_on is None:
        return
    current = latest_round(session, circle.id)
    if current is None:
        ensure_round(session, circle, now)
        return
    roster = _roster(session, circle.id)
    roster_text = ",".join(map(str, roster))
    if current.roster == roster_text:
        return
    before = current.group_list()
    groups = groups_for_round(roster, 0) if len(roster) >= 2 else []
    current.roster, current.round_index = roster_text, 0
    current.groups = ";".join(",".join(map(str, g)) for g in groups)
    session.flush()
    version = hashlib.sha256(current.groups.encode()).hexdigest()[:12]
    changed = [
        uid for uid in roster if set(buddies_of(before, uid)) != set(buddies_of(groups, uid))
    ]
    for user in session.scalars(sa.select(User).where(User.id.in_(changed))):
        if buddies_of(groups, user.id):
            _announce(session, circle, current, user, f":{version}", now)


class BuddyStatus(NamedTuple):
    """What a host sees: the current groups, or how many more members pairing needs."""

    groups: list[list[User]]
    short_by: int


def status(session: DbSession, circle: Circle) -> BuddyStatus:
    """The current groups of two or three (members only), or how many people are missing."""
    roster = _roster(session, circle.id)
    current = latest_round(session, circle.id) if circle.buddies_on else None
    if current is None:
        return BuddyStatus([], max(0, 2 - len(roster)))
    members = set(roster)
    users = {u.id: u for u in session.scalars(sa.select(User).where(User.id.in_(members)))}
    groups = [
        [users[i] for i in group if i in members and i in users] for group in current.group_list()
    ]
    return BuddyStatus([g for g in groups if len(g) > 1], max(0, 2 - len(roster)))


def my_buddies(session: DbSession, circle: Circle, user: User) -> list[User]:
    """The user's current buddies in the circle (members who left are not shown)."""
    if not circle.buddies_on:
        return []
    current = latest_round(session, circle.id)
    if current is None:
        return []
    ids = buddies_of(current.group_list(), user.id)
    if not ids:
        return []
    members = set(_roster(session, circle.id))
    return list(
        session.scalars(sa.select(User).where(User.id.in_([i for i in ids if i in members])))
    )


def buddies_by_circle(
    session: DbSession, circles: list[Circle], user: User
) -> dict[int, list[User]]:
    """The user's current buddies in each circle with buddies on (three queries in all)."""
    ids = [c.id for c in circles if c.buddies_on]
    if not ids:
        return {}
    latest: dict[int, BuddyRound] = {}
    for round_ in session.scalars(
        sa.select(BuddyRound)
        .where(BuddyRound.circle_id.in_(ids))
        .order_by(BuddyRound.period_index.desc())
    ):
        latest.setdefault(round_.circle_id, round_)
    wanted = {cid: buddies_of(r.group_list(), user.id) for cid, r in latest.items()}
    members = {
        (cid, uid)
        for cid, uid in session.execute(
            sa.select(Membership.circle_id, Membership.user_id).where(Membership.circle_id.in_(ids))
        )
    }
    everyone = {uid for group in wanted.values() for uid in group}
    users = (
        {u.id: u for u in session.scalars(sa.select(User).where(User.id.in_(everyone)))}
        if everyone
        else {}
    )
    return {
        cid: [users[uid] for uid in group if (cid, uid) in members and uid in users]
        for cid, group in wanted.items()
    }


def plan_all(session: DbSession, now: datetime) -> int:
    """The worker's pass: start the new period's pairs in every circle with buddies on."""
    made = 0
    for circle in session.scalars(sa.select(Circle).where(Circle.buddies_on.is_(True))):
        before = latest_round(session, circle.id)
        after = ensure_round(session, circle, now)
        made += int(after is not None and after is not before)
    return made


def current_until(session: DbSession, circle: Circle) -> date | None:
    """The last day of the current buddy pairing, when buddies are on."""
    current = latest_round(session, circle.id) if circle.buddies_on else None
    if current is None:
        return None
    return current.starts_on + timedelta(days=circle.buddy_period_days - 1)


def met_question_due(session: DbSession, circle: Circle, user: User, now: datetime) -> bool:
    """True when the user's pairing is a week old and they haven't said whether they met."""
    current = latest_round(session, circle.id) if circle.buddies_on else None
    if current is None or not buddies_of(current.group_list(), user.id):
        return False
    if local_date(now, circle.time_zone) < current.starts_on + ask_after(circle):
        return False
    answered = session.scalar(
        sa.select(BuddyMeeting.id).where(
            BuddyMeeting.round_id == current.id, BuddyMeeting.user_id == user.id
        )
    )
    return answered is None
