"""The facilitator queue is fair, and someone absent is skipped, not lost."""

from __future__ import annotations

from collections import Counter

from circles.services.meetups.facilitation import rotate


def test_everyone_takes_a_turn_in_order() -> None:
    assert rotate([1, 2, 3], ["a", "b", "c", "d"], {}) == {"a": 1, "b": 2, "c": 3, "d": 1}


def test_someone_who_cannot_make_it_goes_first_next_time() -> None:
    chosen = rotate([1, 2, 3], ["a", "b", "c", "d"], {"a": {1}})
    assert chosen == {"a": 2, "b": 1, "c": 3, "d": 2}


def test_nobody_available_leaves_the_turn_open_and_the_queue_unchanged() -> None:
    chosen = rotate([1, 2], ["a", "b"], {"a": {1, 2}})
    assert chosen == {"a": None, "b": 1}


def test_turns_stay_even_over_many_meetups_with_absences() -> None:
    keys = [f"k{i}" for i in range(60)]
    absent = {key: {i % 5 + 1} for i, key in enumerate(keys) if i % 3 == 0}
    turns = Counter(rotate([1, 2, 3, 4, 5], keys, absent).values())
    assert max(turns.values()) - min(turns.values()) <= 1
