"""Pure (no database): pulse scoring with Edmondson's (1999) psychological safety items.

Seven statements, adapted from "this team" to "this circle", answered on a 7-point agreement
scale (1 = strongly disagree ... 7 = strongly agree). Items 1, 3 and 5 are worded negatively and
reverse-scored (8 - answer), so every item score runs 1..7 with higher meaning safer; a
response's score is the mean of its seven item scores.

Only aggregates are ever shown, and only once at least ``MIN_RESPONSES`` members answered in the
month: below that, nothing is revealed, not even a partial average.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from math import floor
from types import MappingProxyType
from typing import Final

ITEMS: Final[tuple[str, ...]] = (
    "If I make a mistake in this circle, it is often held against me.",
    "Members of this circle are able to bring up problems and tough issues.",
    "People in this circle sometimes reject others for being different.",
    "It is safe to take a risk in this circle.",
    "It is difficult to ask other members of this circle for help.",
    "No one in this circle would deliberately act in a way that undermines my efforts.",
    "In this circle, my unique skills and experience are valued.",
)
"""The seven statements, in order (item 1 is ``ITEMS[0]``)."""

REVERSED: Final[frozenset[int]] = frozenset({0, 2, 4})
"""0-based indexes of the negatively worded items (items 1, 3 and 5), scored 8 - answer."""

SCALE: Final[Mapping[int, str]] = MappingProxyType(
    {
        1: "Strongly disagree",
        2: "Disagree",
        3: "Somewhat disagree",
        4: "Neither agree nor disagree",
        5: "Somewhat agree",
        6: "Agree",
        7: "Strongly agree",
    }
)
"""The answer labels, keyed by answer value 1..7."""

MIN_RESPONSES: Final = 3
"""The fewest responses in a month for its average to be shown."""


def validate(answers: Sequence[int]) -> None:
    """Raise ValueError unless ``answers`` holds exactly one int in 1..7 for each of the 7 items.

    Booleans are refused even though Python counts them as ints.
    """
    if len(answers) != len(ITEMS):
        raise ValueError(f"expected {len(ITEMS)} answers, got {len(answers)}")
    for number, answer in enumerate(answers, start=1):
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise ValueError(f"answer {number} must be a whole number")
        if answer not in SCALE:
            raise ValueError(f"answer {number} must be between 1 and 7, got {answer}")


def _item_scores_total(answers: Sequence[int]) -> int:
    validate(answers)
    return sum(8 - a if i in REVERSED else a for i, a in enumerate(answers))


def score(answers: Sequence[int]) -> float:
    """One response's score: the mean of its 7 item scores after reverse-scoring items 1, 3, 5.

    From 1.0 to 7.0, higher is safer. Raises ValueError on invalid answers (see ``validate``).
    """
    return _item_scores_total(answers) / len(ITEMS)


def month_of(day: date) -> date:
    """The first day of ``day``'s month."""
    return date(day.year, day.month, 1)


@dataclass(frozen=True)
class MonthResult:
    """One month of the pulse: how many answered, and their average score when it may be shown.

    ``average`` is None while fewer than ``MIN_RESPONSES`` answered.
    """

    month: date
    responses: int
    average: float | None


def _round_half_up(value: Fraction) -> float:
    return floor(value * 10 + Fraction(1, 2)) / 10


def aggregate(month: date, responses: Sequence[Sequence[int]]) -> MonthResult:
    """The month's result: the mean of the responses' scores, rounded half up to 1 decimal.

    The average is None (nothing revealed) with fewer than ``MIN_RESPONSES`` responses. ``month``
    may be any day of the month; the result carries its first day. Every response is validated,
    so one invalid response raises ValueError whatever the count. The mean is computed exactly
    before rounding, so 4.25 becomes 4.3.
    """
    totals = [_item_scores_total(answers) for answers in responses]
    if len(totals) < MIN_RESPONSES:
        return MonthResult(month_of(month), len(totals), None)
    mean = Fraction(sum(totals), len(ITEMS) * len(totals))
    return MonthResult(month_of(month), len(totals), _round_half_up(mean))


def trend(by_month: Mapping[date, Sequence[Sequence[int]]]) -> list[MonthResult]:
    """One ``MonthResult`` per month present in ``by_month``, oldest first.

    Keys are read as their month (any day in it); responses under two keys of the same month are
    pooled into one result. Months without a key are left out, not filled in.
    """
    pooled: dict[date, list[Sequence[int]]] = {}
    for day, responses in by_month.items():
        pooled.setdefault(month_of(day), []).extend(responses)
    return [aggregate(month, pooled[month]) for month in sorted(pooled)]
