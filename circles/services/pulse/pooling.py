"""Pure (no database): an honest pulse for small circles, pooled over finished months.

Survey practice holds anonymous results back below 5 answers, and most circles have 4 to 8
members. So finished months are pooled, oldest first, into runs that each hold at least
``MIN_ANSWERS`` answers from at least ``MIN_PEOPLE`` people; a run, once closed, never changes
(new months only start new runs), so no two results shown over time can be subtracted to work
out one person's answers. A month that is not over is never in a result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from math import floor
from typing import Final

from circles.services.pulse.scoring import ITEMS, REVERSED, month_of, validate

MIN_ANSWERS: Final = 5
MIN_PEOPLE: Final = 3


@dataclass(frozen=True)
class Answer:
    """One member's answers for one month."""

    month: date
    person: int
    answers: Sequence[int]


@dataclass(frozen=True)
class PooledResult:
    """The aggregate of one closed run of months: overall and per item (1 to 7, higher safer)."""

    first_month: date
    last_month: date
    answers: int
    average: float
    items: tuple[float, ...]


@dataclass(frozen=True)
class PooledPulse:
    results: list[PooledResult]  # oldest first
    more_needed: int  # answers still needed before the next result can show


def _item_scores(answers: Sequence[int]) -> list[int]:
    validate(answers)
    return [8 - a if i in REVERSED else a for i, a in enumerate(answers)]


def _one_decimal(value: Fraction) -> float:
    return floor(value * 10 + Fraction(1, 2)) / 10  # half up, from the exact mean


def _close(run: list[Answer]) -> PooledResult:
    scores = [_item_scores(a.answers) for a in run]
    items = tuple(
        _one_decimal(Fraction(sum(s[i] for s in scores), len(scores))) for i in range(len(ITEMS))
    )
    overall = Fraction(sum(sum(s) for s in scores), len(ITEMS) * len(scores))
    months = sorted(month_of(a.month) for a in run)
    return PooledResult(months[0], months[-1], len(run), _one_decimal(overall), items)


def pool(answers: Sequence[Answer], today: date) -> PooledPulse:
    """Closed runs of finished months, and how many more answers the next result needs."""
    current = month_of(today)
    by_month: dict[date, list[Answer]] = {}
    pending_this_month = 0
    for answer in answers:
        month = month_of(answer.month)
        if month >= current:
            pending_this_month += 1
        else:
            by_month.setdefault(month, []).append(answer)
    results: list[PooledResult] = []
    run: list[Answer] = []
    for month in sorted(by_month):
        run.extend(by_month[month])  # whole months only: a run never splits a month
        if len(run) >= MIN_ANSWERS and len({a.person for a in run}) >= MIN_PEOPLE:
            results.append(_close(run))
            run = []
    waiting = len(run) + pending_this_month
    people_short = MIN_PEOPLE - len({a.person for a in run})
    # Zero means enough are in: the result shows once this month is over.
    return PooledPulse(results, max(MIN_ANSWERS - waiting, people_short if run else 0, 0))
