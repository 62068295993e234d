"""Where a leader is on the curve: weeks in, direction, calm words (no alarm, no promise)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from circles.services.load.curve import Direction, reading
from circles.services.load.index import arc

TODAY = date(2026, 12, 6)


def _arc(weekly: list[int], typical: int = 10) -> list:
    """An arc whose last weeks carry these loads (one 1:1 a week on the week's last day)."""
    daily = {}
    for back, load in enumerate(reversed(weekly)):
        if load:
            daily[TODAY - timedelta(days=7 * back)] = load
    return arc(daily, TODAY, typical, None)


def test_weeks_count_from_the_first_rise_and_the_middle_weeks_are_named() -> None:
    found = reading(_arc([8, 9, 14, 15, 16, 18, 17, 18, 19]), TODAY)
    assert found.weeks_in == 7  # the third of nine weeks went over 1.25 x usual
    assert "Weeks 6 to 12 are often the heaviest." in found.words


def test_direction_compares_the_last_three_logged_weeks_with_the_three_before() -> None:
    assert reading(_arc([10, 10, 10, 14, 15, 16]), TODAY).direction is Direction.RISING
    assert reading(_arc([16, 15, 16, 10, 9, 9]), TODAY).direction is Direction.EASING
    assert reading(_arc([12, 12, 12, 12, 13, 12]), TODAY).direction is Direction.HOLDING
    assert reading(_arc([12, 12, 12]), TODAY).direction is None  # too few weeks to say


def test_a_marked_start_anchors_the_count_and_the_words_stay_calm() -> None:
    found = reading(_arc([10] * 8), TODAY, started_on=TODAY - timedelta(days=7 * 20))
    assert found.weeks_in == 21
    assert "evens off" in found.words
    quiet = reading(_arc([5] * 8), TODAY)
    assert quiet.weeks_in is None and "hasn't risen" in quiet.words
    for text in (found.words, quiet.words):
        assert not re.search(r"burn|danger|warning|alarm|days left|will end", text, re.I)


def test_without_a_known_usual_no_rise_is_counted_and_the_words_say_why() -> None:
    heavy_start = arc({TODAY: 19}, TODAY, None, None)  # day one, no typical week set
    found = reading(heavy_start, TODAY)
    assert found.weeks_in is None
    assert "Your usual isn't known yet" in found.words
    assert "hasn't risen" not in found.words
    set_usual = reading(arc({TODAY: 19}, TODAY, 10, None), TODAY)  # a typical week is a usual
    assert set_usual.weeks_in == 1
