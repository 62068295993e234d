"""Pure (no database): where a leader is on the curve of the first months, read calmly.

From the weekly arc: how many weeks since the load first rose above the usual (or since the
date the leader marked as the start of this work), and whether it is rising, holding or easing
(the last three logged weeks against the three before). Never a countdown, never a promise.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from circles.services.load.index import HEAVY_OVER, WeekPoint

CHANGE = 0.15  # a change under 15 % either way reads as holding


class Direction(enum.StrEnum):
    RISING = "rising"
    HOLDING = "holding"
    EASING = "easing"


@dataclass(frozen=True)
class CurveReading:
    weeks_in: int | None  # None until the load has first risen (or a start is marked)
    direction: Direction | None  # None until six weeks are logged
    words: str


def _first_rise(arc: Sequence[WeekPoint]) -> date | None:
    for point in arc:
        # Only against a known usual: the default stands in for it, and is no one's usual.
        known = point.baseline.known
        if point.logged and known and point.load > HEAVY_OVER * point.baseline.value:
            return point.start
    return None


def _direction(arc: Sequence[WeekPoint]) -> Direction | None:
    logged = [p.load for p in arc if p.logged]
    if len(logged) < 6:
        return None
    recent, before = sum(logged[-3:]) / 3, sum(logged[-6:-3]) / 3
    if before and recent > before * (1 + CHANGE):
        return Direction.RISING
    if recent < before * (1 - CHANGE):
        return Direction.EASING
    return Direction.HOLDING


def _words(weeks: int | None, direction: Direction | None, usual_known: bool) -> str:
    if weeks is None and not usual_known:
        return (
            "Your usual isn't known yet. After three weeks with something logged, this counts "
            "the weeks since your load first rose above it."
        )
    if weeks is None:
        return "Your load hasn't risen above your usual in these weeks."
    if weeks < 6:
        phase = "The first weeks often build up as people start to bring you more."
    elif weeks <= 12:
        phase = (
            "Weeks 6 to 12 are often the heaviest. It tends to ease after a few months, "
            "especially with your own circle."
        )
    else:
        phase = "For many leaders it evens off after a few months, especially with a circle."
    lately = (
        {
            Direction.RISING: " Lately it has been rising.",
            Direction.HOLDING: " Lately it has been holding steady.",
            Direction.EASING: " Lately it has been easing.",
        }.get(direction, "")
        if direction
        else ""
    )
    return phase + lately


def reading(arc: Sequence[WeekPoint], today: date, started_on: date | None = None) -> CurveReading:
    """The reading for My load: weeks in, direction, and calm words that fit them."""
    since = started_on if started_on is not None and started_on <= today else _first_rise(arc)
    weeks = (today - since).days // 7 + 1 if since is not None else None
    direction = _direction(arc)
    usual_known = any(point.baseline.known for point in arc)
    return CurveReading(weeks, direction, _words(weeks, direction, usual_known))
