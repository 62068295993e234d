"""Buddy rounds and the safety pulse with the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import combinations

import pytest

from circles.extensions import db
from circles.models import Circle, Notification, User
from circles.services.buddies import operations as buddy_actions
from circles.services.buddies import pairing as buddies
from circles.services.circles import operations as circle_actions
from circles.services.circles.membership import membership
from circles.services.circles.operations import leave
from circles.services.pulse import operations as pulse_actions
from circles.services.pulse import results as pulse

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _circle(make_user, make_circle, size: int) -> Circle:
    host = make_user()
    made = make_circle(host, members=tuple(make_user() for _ in range(size - 1)), member_cap=10)
    return db.session.get(Circle, made.id)


def _pairs(circle: Circle) -> set[tuple[int, int]]:
    groups = buddies.latest_round(db.session, circle.id).group_list()
    return {tuple(sorted(p)) for g in groups for p in combinations(g, 2)}


def test_an_even_circle_meets_everyone_before_any_pair_repeats(make_user, make_circle, ctx) -> None:
    circle = _circle(make_user, make_circle, 6)
    buddy_actions.set_buddies(db.session, circle, True, START)
    seen: list[tuple[int, int]] = []
    for period in range(5):
        buddies.ensure_round(db.session, circle, START + timedelta(days=14 * period))
        seen += sorted(_pairs(circle))
    assert len(seen) == len(set(seen)) == 15  # all 15 pairs of 6 people, none twice
    buddies.ensure_round(db.session, circle, START + timedelta(days=14 * 5))
    assert _pairs(circle) <= set(seen)  # the next cycle begins


def test_an_odd_circle_has_one_trio_and_everyone_meets_within_a_cycle(
    make_user, make_circle, ctx
) -> None:
    circle = _circle(make_user, make_circle, 5)
    buddy_actions.set_buddies(db.session, circle, True, START)
    met: set[tuple[int, int]] = set()
    for period in range(5):
        buddies.ensure_round(db.session, circle, START + timedelta(days=14 * period))
        groups = buddies.latest_round(db.session, circle.id).group_list()
        assert sorted(len(g) for g in groups) == [2, 3]
        met |= _pairs(circle)
    assert len(met) == 10


def test_the_same_period_keeps_its_pairs_and_each_member_is_told_once(
    make_user, make_circle, ctx
) -> None:
    circle = _circle(make_user, make_circle, 4)
    buddy_actions.set_buddies(db.session, circle, True, START)
    first = buddies.latest_round(db.session, circle.id)
    again = buddies.ensure_round(db.session, circle, START + timedelta(days=13))
    assert again.id == first.id
    kinds = db.session.scalars(db.select(Notification.kind)).all()
    assert sorted(kinds) == ["buddy_met"] * 4 + ["buddy_pairing"] * 4  # told now, asked in a week


def _told(user_id: int) -> int:
    return len(
        db.session.scalars(
            db.select(Notification).where(
                Notification.user_id == user_id, Notification.kind == "buddy_pairing"
            )
        ).all()
    )


def test_a_member_leaving_or_joining_regroups_at_once_and_tells_whose_buddies_changed(
    make_user, make_circle, ctx
) -> None:
    circle = _circle(make_user, make_circle, 4)
    buddy_actions.set_buddies(db.session, circle, True, START)
    host = db.session.get(User, circle.created_by_id)
    (buddy,) = buddies.my_buddies(db.session, circle, host)
    leave(db.session, membership(db.session, circle.id, buddy.id))
    after_leave = buddies.my_buddies(db.session, circle, host)
    assert after_leave and buddy not in after_leave  # the three left are one group, now
    assert buddies.latest_round(db.session, circle.id).round_index == 0
    assert _told(host.id) == 2 and _told(buddy.id) == 1  # the leaver hears nothing new
    newcomer = db.session.get(User, make_user().id)
    invite = circle_actions.create_invite(db.session, circle, host, START).invite
    circle_actions.join_circle(db.session, invite, newcomer, agreed=True, now=START)
    assert len(buddies.my_buddies(db.session, circle, newcomer)) == 1
    assert _told(newcomer.id) == 1
    again = buddies.latest_round(db.session, circle.id)
    assert str(newcomer.id) in again.roster.split(",") and str(buddy.id) not in again.roster


def test_turning_buddies_on_alone_says_how_many_people_are_missing(
    make_user, make_circle, ctx
) -> None:
    circle = _circle(make_user, make_circle, 1)
    status = buddy_actions.set_buddies(db.session, circle, True, START)
    assert status.groups == [] and status.short_by == 1
    host = db.session.get(User, circle.created_by_id)
    invite = circle_actions.create_invite(db.session, circle, host, START).invite
    joiner = db.session.get(User, make_user().id)
    circle_actions.join_circle(db.session, invite, joiner, agreed=True, now=START)
    status = buddies.status(db.session, circle)
    assert status.short_by == 0 and [set(g) for g in status.groups] == [{host, joiner}]


def test_pulse_averages_show_only_from_three_answers(make_user, make_circle, ctx) -> None:
    circle = _circle(make_user, make_circle, 4)
    people = db.session.scalars(db.select(User)).all()
    today = date(2026, 3, 15)
    pulse_actions.answer_pulse(
        db.session, circle.id, people[0], [1, 7, 1, 7, 1, 7, 7], today
    )  # all safest: 7
    pulse_actions.answer_pulse(
        db.session, circle.id, people[1], [7, 1, 7, 1, 7, 1, 1], today
    )  # all least: 1
    april = date(2026, 4, 2)
    (month,), _ = pulse.results(db.session, circle.id, april)
    assert month.responses == 2 and month.average is None
    pulse_actions.answer_pulse(db.session, circle.id, people[2], [4, 4, 4, 4, 4, 4, 4], today)
    (month,), _ = pulse.results(db.session, circle.id, april)
    assert month.average == 4.0
    assert pulse.results(db.session, circle.id, today) == ([], 3)  # March is still open
    with pytest.raises(pulse.PulseError, match="answered for this month"):
        pulse_actions.answer_pulse(db.session, circle.id, people[0], [4] * 7, today)
    with pytest.raises(pulse.PulseError, match="all seven"):
        pulse_actions.answer_pulse(db.session, circle.id, people[3], [4] * 6, today)


def test_changing_the_period_keeps_the_rotation_going(make_user, make_circle, ctx) -> None:
    circle = _circle(make_user, make_circle, 4)
    buddy_actions.set_buddies(db.session, circle, True, START)
    for period in range(1, 4):
        buddies.ensure_round(db.session, circle, START + timedelta(days=14 * period))
    buddy_actions.set_buddies(db.session, circle, True, START + timedelta(days=43), period_days=7)
    before = buddies.latest_round(db.session, circle.id)
    after = buddies.ensure_round(db.session, circle, START + timedelta(days=42 + 7))
    assert after.period_index == before.period_index + 1
    assert after.round_index == (before.round_index + 1)
    with pytest.raises(ValueError, match="1, 2 or 4 weeks"):
        buddy_actions.set_buddies(db.session, circle, True, START, period_days=5)
