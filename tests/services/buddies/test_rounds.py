"""Buddy rounds: the circle method schedule, its fairness over a cycle, and the period clock."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta

import pytest

from circles.services.buddies.rounds import (
    MAX_MEMBERS,
    _position_groups,
    buddies_of,
    cycle_length,
    groups_for_round,
    period_index,
)

SIZES = range(2, MAX_MEMBERS + 1)
EVEN = [n for n in SIZES if n % 2 == 0]
ODD_WITH_TRIO_ROTATION = [n for n in SIZES if n % 2 == 1 and n >= 5]


def circle(n: int) -> list[int]:
    """Member ids deliberately not in numeric order, so positions (not ids) must drive order."""
    return [100 + (37 * i) % 101 for i in range(n)]


def pair_meetings(members: list[int], rounds: range) -> Counter[frozenset[int]]:
    meetings: Counter[frozenset[int]] = Counter()
    for r in rounds:
        for group in groups_for_round(members, r):
            meetings.update(frozenset(pair) for pair in itertools.combinations(group, 2))
    return meetings


def all_pairs(members: list[int]) -> set[frozenset[int]]:
    return {frozenset(pair) for pair in itertools.combinations(members, 2)}


@pytest.mark.parametrize("n", SIZES)
def test_every_member_is_in_exactly_one_group_every_round(n: int) -> None:
    members = circle(n)
    for r in range(3 * cycle_length(n)):
        groups = groups_for_round(members, r)
        seen = [member for group in groups for member in group]

        assert sorted(seen) == sorted(members)
        assert all(len(group) in (2, 3) for group in groups)
        assert sum(len(group) == 3 for group in groups) == n % 2


@pytest.mark.parametrize("n", SIZES)
def test_groups_follow_the_order_of_members(n: int) -> None:
    members = circle(n)
    position = {member: i for i, member in enumerate(members)}
    for r in range(cycle_length(n)):
        groups = groups_for_round(members, r)
        firsts = [position[group[0]] for group in groups]

        assert firsts == sorted(firsts)
        for group in groups:
            assert [position[m] for m in group] == sorted(position[m] for m in group)


@pytest.mark.parametrize("n", EVEN)
def test_even_circle_pairs_everyone_with_everyone_exactly_once_per_cycle(n: int) -> None:
    members = circle(n)
    meetings = pair_meetings(members, range(n - 1))

    assert cycle_length(n) == n - 1
    assert set(meetings) == all_pairs(members)
    assert len(meetings) == n * (n - 1) // 2
    assert set(meetings.values()) == {1}


@pytest.mark.parametrize("n", ODD_WITH_TRIO_ROTATION)
def test_odd_circle_meets_every_pair_and_makes_each_member_the_extra_once(n: int) -> None:
    members = circle(n)
    meetings = pair_meetings(members, range(n))
    extras = [_position_groups(n, r)[0] for r in range(n)]

    assert cycle_length(n) == n
    assert set(meetings) == all_pairs(members)
    assert Counter(extras) == Counter(range(n))


@pytest.mark.parametrize("n", ODD_WITH_TRIO_ROTATION)
def test_odd_circle_spreads_the_trio_across_pairs_and_members(n: int) -> None:
    members = circle(n)
    meetings = pair_meetings(members, range(n))
    trio_counts = Counter(
        member
        for r in range(n)
        for group in groups_for_round(members, r)
        if len(group) == 3
        for member in group
    )

    if n == 5:
        # 20 pairings of 10 pairs cannot be two each on the circle method's rounds: the fewest
        # pairs meeting three times is two.
        assert max(meetings.values()) == 3
        assert sum(v == 3 for v in meetings.values()) == 2
    else:
        assert max(meetings.values()) <= 2
    assert set(trio_counts) == set(members)
    assert max(trio_counts.values()) <= 4


def test_n_nine_puts_everyone_in_a_trio_exactly_three_times() -> None:
    members = circle(9)
    trio_counts = Counter(
        member
        for r in range(9)
        for group in groups_for_round(members, r)
        if len(group) == 3
        for member in group
    )

    assert set(trio_counts.values()) == {3}


@pytest.mark.parametrize("n", ODD_WITH_TRIO_ROTATION)
def test_a_different_pair_takes_the_extra_member_each_round(n: int) -> None:
    members = circle(n)
    hosts = set()
    for r in range(n):
        position = _position_groups(n, r)[0]
        assert position is not None
        extra = members[position]
        trio = next(group for group in groups_for_round(members, r) if len(group) == 3)
        hosts.add(frozenset(trio) - {extra})

    assert len(hosts) == n


@pytest.mark.parametrize("n", SIZES)
def test_the_schedule_repeats_after_a_cycle(n: int) -> None:
    members = circle(n)
    length = cycle_length(n)
    for r in range(length):
        assert groups_for_round(members, r) == groups_for_round(members, r + length)
        assert groups_for_round(members, r) == groups_for_round(members, r + 7 * length)


@pytest.mark.parametrize("n", [n for n in SIZES if n >= 4])
def test_consecutive_rounds_differ_within_a_cycle(n: int) -> None:
    members = circle(n)
    rounds = [groups_for_round(members, r) for r in range(cycle_length(n))]

    assert len({tuple(groups) for groups in rounds}) == len(rounds)


def test_the_schedule_is_deterministic_and_known() -> None:
    assert groups_for_round([1, 2, 3, 4], 0) == [(1, 4), (2, 3)]
    assert groups_for_round([1, 2, 3, 4], 1) == [(1, 3), (2, 4)]
    assert groups_for_round([1, 2, 3, 4], 2) == [(1, 2), (3, 4)]
    assert groups_for_round([1, 2, 3, 4], 3) == [(1, 4), (2, 3)]
    members = circle(10)
    assert [groups_for_round(members, r) for r in range(20)] == [
        groups_for_round(list(members), r) for r in range(20)
    ]


def test_small_circles() -> None:
    assert groups_for_round([], 5) == []
    assert groups_for_round([7], 0) == [(7,)]
    assert groups_for_round([7], 3) == [(7,)]
    assert all(groups_for_round([7, 3], r) == [(7, 3)] for r in range(5))
    assert all(groups_for_round([7, 3, 5], r) == [(7, 3, 5)] for r in range(5))
    assert [cycle_length(n) for n in range(12)] == [1, 1, 1, 1, 3, 5, 5, 7, 7, 9, 9, 11]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        groups_for_round([1, 2, 3], -1)
    with pytest.raises(ValueError, match="repeat"):
        groups_for_round([1, 2, 1], 0)
    with pytest.raises(ValueError, match="at most"):
        groups_for_round(list(range(MAX_MEMBERS + 1)), 0)
    with pytest.raises(ValueError, match="negative"):
        cycle_length(-1)


def test_buddies_of() -> None:
    groups = groups_for_round([1, 2, 3, 4, 5], 0)

    assert groups == [(1, 2, 5), (3, 4)]
    assert buddies_of(groups, 5) == (1, 2)
    assert buddies_of(groups, 1) == (2, 5)
    assert buddies_of(groups, 4) == (3,)
    assert buddies_of(groups, 9) == ()
    assert buddies_of([(7,)], 7) == ()


def test_period_index_boundaries() -> None:
    start = date(2025, 3, 3)

    assert period_index(start, start) == 0
    assert period_index(start, start + timedelta(days=13)) == 0
    assert period_index(start, start + timedelta(days=14)) == 1
    assert period_index(start, start + timedelta(days=27)) == 1
    assert period_index(start, start + timedelta(days=28)) == 2
    assert period_index(start, start + timedelta(days=6), period_days=7) == 0
    assert period_index(start, start + timedelta(days=7), period_days=7) == 1
    assert period_index(start, start + timedelta(days=3), period_days=1) == 3


def test_period_index_clamps_before_the_start_and_refuses_empty_periods() -> None:
    start = date(2025, 3, 3)

    assert period_index(start, start - timedelta(days=1)) == 0
    assert period_index(start, start - timedelta(days=400)) == 0
    with pytest.raises(ValueError, match="at least 1"):
        period_index(start, start, period_days=0)
