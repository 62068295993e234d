"""The safety pulse: reverse scoring, validation, the 3-response threshold, rounding, trend."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from circles.services.pulse.scoring import (
    ITEMS,
    MIN_RESPONSES,
    REVERSED,
    SCALE,
    MonthResult,
    aggregate,
    month_of,
    score,
    trend,
    validate,
)

SAFEST = [1, 7, 1, 7, 1, 7, 7]
LEAST_SAFE = [7, 1, 7, 1, 7, 1, 1]
MIDDLE = [4] * 7
ALL_FIVES_SCORED = [3, 5, 3, 5, 3, 5, 5]  # every item scores 5 after reverse-scoring

MARCH = date(2025, 3, 1)


def test_the_instrument() -> None:
    assert len(ITEMS) == 7
    assert sorted(REVERSED) == [0, 2, 4]
    assert ITEMS[0] == "If I make a mistake in this circle, it is often held against me."
    assert ITEMS[6] == "In this circle, my unique skills and experience are valued."
    assert all("circle" in item and not item[0].isdigit() for item in ITEMS)
    assert list(SCALE) == [1, 2, 3, 4, 5, 6, 7]
    assert SCALE[1] == "Strongly disagree"
    assert SCALE[4] == "Neither agree nor disagree"
    assert SCALE[7] == "Strongly agree"
    assert MIN_RESPONSES == 3


def test_items_one_three_and_five_are_reverse_scored() -> None:
    # All 7s: the reversed items score 1, the others 7.
    assert score([7] * 7) == (1 + 7 + 1 + 7 + 1 + 7 + 7) / 7 == 31 / 7
    assert score([1] * 7) == (7 + 1 + 7 + 1 + 7 + 1 + 1) / 7 == 25 / 7
    assert score(ALL_FIVES_SCORED) == 5.0


def test_the_ends_and_the_middle_of_the_scale() -> None:
    assert score(SAFEST) == 7.0
    assert score(LEAST_SAFE) == 1.0
    assert score(MIDDLE) == 4.0


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([4] * 6, "expected 7 answers, got 6"),
        ([4] * 8, "expected 7 answers, got 8"),
        ([], "expected 7 answers, got 0"),
        ([4, 4, 4, 0, 4, 4, 4], "answer 4 must be between 1 and 7, got 0"),
        ([4, 4, 4, 4, 4, 4, 8], "answer 7 must be between 1 and 7, got 8"),
        ([-1, 4, 4, 4, 4, 4, 4], "answer 1 must be between 1 and 7"),
        ([4, 4.0, 4, 4, 4, 4, 4], "answer 2 must be a whole number"),
        ([4, 4, "4", 4, 4, 4, 4], "answer 3 must be a whole number"),
        ([4, 4, 4, 4, True, 4, 4], "answer 5 must be a whole number"),
        ([4, 4, 4, 4, 4, None, 4], "answer 6 must be a whole number"),
    ],
)
def test_invalid_answers_are_refused(answers: list[object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate(answers)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        score(answers)  # type: ignore[arg-type]


def test_valid_answers_pass() -> None:
    validate(SAFEST)
    validate((1, 2, 3, 4, 5, 6, 7))


def test_fewer_than_three_responses_reveal_nothing() -> None:
    assert aggregate(MARCH, []) == MonthResult(MARCH, 0, None)
    assert aggregate(MARCH, [SAFEST]) == MonthResult(MARCH, 1, None)
    assert aggregate(MARCH, [SAFEST, SAFEST]) == MonthResult(MARCH, 2, None)


def test_three_responses_show_the_average() -> None:
    result = aggregate(MARCH, [SAFEST, LEAST_SAFE, MIDDLE])

    assert result == MonthResult(MARCH, 3, 4.0)


def test_an_invalid_response_is_refused_even_below_the_threshold() -> None:
    with pytest.raises(ValueError, match="expected 7 answers"):
        aggregate(MARCH, [SAFEST, [4] * 6])


def test_the_average_is_the_exact_mean_rounded_half_up_to_one_decimal() -> None:
    # Scores 4, 4, 4, 5: mean 4.25 exactly, which rounds up (plain round() would give 4.2).
    four_quarters = aggregate(MARCH, [MIDDLE, MIDDLE, MIDDLE, ALL_FIVES_SCORED])
    assert four_quarters.average == 4.3

    # Scores 7, 7, 31/7: mean (14 + 31/7) / 3 = 129/21 = 6.142..., rounds down.
    assert aggregate(MARCH, [SAFEST, SAFEST, [7] * 7]).average == 6.1

    # Scores 25/7, 31/7, 4: mean 84/21 = 4.0.
    assert aggregate(MARCH, [[1] * 7, [7] * 7, MIDDLE]).average == 4.0

    # Mean 14/3 = 4.666... rounds to 4.7.
    mixed = [MIDDLE, ALL_FIVES_SCORED, ALL_FIVES_SCORED]
    assert Fraction(4 + 5 + 5, 3) == Fraction(14, 3)
    assert aggregate(MARCH, mixed).average == 4.7


def test_aggregate_carries_the_first_day_of_the_month() -> None:
    result = aggregate(date(2025, 3, 19), [MIDDLE] * 3)

    assert result.month == MARCH
    assert result.responses == 3


def test_month_of() -> None:
    assert month_of(date(2025, 3, 1)) == date(2025, 3, 1)
    assert month_of(date(2025, 3, 31)) == date(2025, 3, 1)
    assert month_of(date(2024, 2, 29)) == date(2024, 2, 1)
    assert month_of(date(2025, 12, 31)) == date(2025, 12, 1)


def test_trend_is_oldest_first_and_applies_the_threshold_per_month() -> None:
    by_month = {
        date(2025, 3, 1): [SAFEST, SAFEST, SAFEST],
        date(2024, 12, 1): [MIDDLE] * 4,
        date(2025, 1, 1): [SAFEST, LEAST_SAFE],
    }

    assert trend(by_month) == [
        MonthResult(date(2024, 12, 1), 4, 4.0),
        MonthResult(date(2025, 1, 1), 2, None),
        MonthResult(date(2025, 3, 1), 3, 7.0),
    ]


def test_trend_pools_keys_from_the_same_month() -> None:
    by_month = {
        date(2025, 3, 20): [SAFEST, SAFEST],
        date(2025, 3, 1): [MIDDLE],
        date(2025, 2, 14): [MIDDLE],
    }

    assert trend(by_month) == [
        MonthResult(date(2025, 2, 1), 1, None),
        MonthResult(date(2025, 3, 1), 3, 6.0),
    ]
    assert trend({}) == []
