"""Pure (no database): the 1:1 load index: weekly load, baseline, level, 26-week arc, nudge rule.

Pure functions over ``daily``: the sum of 1:1 intensities (1 very light .. 5 very heavy) the user
logged on each of their LOCAL dates. The database side aggregates entries per local date; nothing
here sees an entry, a database or a request.

The formula (also in the README):

- weekly load on day D = sum of ``daily`` over the 7 local days D-6 .. D;
- baseline on day D = median weekly load of the windows ending D-7, D-14, .. D-56, leaving out
  windows with nothing logged; with fewer than 3 such windows, the user's typical-week setting;
  without that setting, ``DEFAULT_TYPICAL_WEEK``;
- level: very heavy if load > 1.75 x baseline; else heavy if load > 1.25 x baseline or load is
  at/over the user's threshold; else light if load < 0.75 x baseline; else steady.
  A load of 0 (nothing logged) is never heavy. A baseline of 0 gives no ratio to compare with:
  only the threshold can make such a week heavy, otherwise it is steady;
- nudge: heavy (or worse) today and yesterday, or very heavy today, and no nudge in the 3 days
  before.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

DEFAULT_TYPICAL_WEEK = 10
"""Baseline for a user with fewer than 3 logged weeks and no typical-week setting: about two
moderate (intensity 3) and two fairly light (intensity 2) 1:1s a week."""

WEEK_DAYS = 7
BASELINE_WEEKS = 8
MIN_LOGGED_WEEKS = 3
ARC_WEEKS = 26
NUDGE_EVERY = timedelta(days=3)

# Fractions keep the boundaries exact: 1.25 x 10.5 is exactly 13.125, never 13.124999.
LIGHT_BELOW = Fraction(3, 4)
HEAVY_OVER = Fraction(5, 4)
VERY_HEAVY_OVER = Fraction(7, 4)

_WORDS = {
    "light": "Lighter than usual",
    "steady": "About usual",
    "heavy": "Heavier than usual",
    "very-heavy": "Much heavier than usual",
}


class Level(enum.StrEnum):
    """How this week compares with the user's usual; the value is the page's css token."""

    LIGHT = "light"
    STEADY = "steady"
    HEAVY = "heavy"
    VERY_HEAVY = "very-heavy"

    @property
    def word(self) -> str:
        """The calm words for the page, e.g. "Heavier than usual"."""
        return _WORDS[self.value]

    @property
    def css(self) -> str:
        """The css token: light, steady, heavy or very-heavy."""
        return self.value

    @property
    def is_heavy(self) -> bool:
        """True for HEAVY and VERY_HEAVY."""
        return self in (Level.HEAVY, Level.VERY_HEAVY)


class BaselineSource(enum.StrEnum):
    """Where a baseline comes from, so the page can explain it."""

    HISTORY = "history"  # the median of the user's recent logged weeks
    TYPICAL_WEEK = "typical_week"  # the user's own typical-week setting
    DEFAULT = "default"  # DEFAULT_TYPICAL_WEEK


@dataclass(frozen=True)
class Baseline:
    """The usual weekly load on a day, and how it was worked out.

    ``weeks`` is the number of logged weeks the median was taken over (3..8) for HISTORY, else 0.
    """

    value: float
    source: BaselineSource
    weeks: int = 0

    @property
    def known(self) -> bool:
        """False while the baseline is only the default: too few weeks to know the usual."""
        return self.source is not BaselineSource.DEFAULT

    @property
    def explanation(self) -> str:
        """A short phrase for the page, e.g. "from your last 5 logged weeks"."""
        if self.source is BaselineSource.HISTORY:
            return f"from your last {self.weeks} logged weeks"
        if self.source is BaselineSource.TYPICAL_WEEK:
            return "from your typical-week setting"
        return "a starting point until you have logged 3 weeks"


@dataclass(frozen=True)
class LoadSnapshot:
    """The load of the 7 days ending on ``day``, against the baseline on that day.

    ``logged`` is False when nothing was logged in those 7 days; the page then says
    "Nothing logged this week" rather than showing the level.
    """

    day: date
    load: int
    baseline: Baseline
    level: Level
    logged: bool


@dataclass(frozen=True)
class WeekPoint:
    """One week of the arc: the 7 days ``start`` .. ``end`` (inclusive).

    ``level`` is None when nothing was logged: a gap, never a light week.
    """

    start: date
    end: date
    load: int
    logged: bool
    baseline: Baseline
    level: Level | None


def weekly_load(daily: Mapping[date, int], end: date) -> int:
    """The sum of ``daily`` over the 7 local days ending on ``end`` (inclusive)."""
    return weekly_loads(daily, end, 1)[0]


def weekly_loads(daily: Mapping[date, int], end: date, weeks: int) -> list[int]:
    """The loads of the 7-day windows ending ``end``, ``end`` - 7, .. (``weeks`` of them)."""
    span = WEEK_DAYS * weeks
    if len(daily) > span:  # a long history: look the span's days up
        return [
            sum(daily.get(end - timedelta(days=week * WEEK_DAYS + d), 0) for d in range(WEEK_DAYS))
            for week in range(weeks)
        ]
    sums = [0] * weeks  # a short one (the worker's daily look): walk the days logged
    for day, total in daily.items():
        back = (end - day).days
        if 0 <= back < span:
            sums[back // WEEK_DAYS] += total
    return sums


def baseline(daily: Mapping[date, int], today: date, typical_week: int | None) -> Baseline:
    """The usual weekly load on ``today``.

    The median weekly load of the 7-day windows ending today-7, today-14, .. today-56, leaving out
    windows with nothing logged (a gap is not a light week). With fewer than 3 logged windows: the
    user's ``typical_week`` setting, or ``DEFAULT_TYPICAL_WEEK`` when that is not set.
    """
    return _baseline(weekly_loads(daily, today - timedelta(weeks=1), BASELINE_WEEKS), typical_week)


def _baseline(loads: Sequence[int], typical_week: int | None) -> Baseline:
    """``baseline`` from the loads of the 8 weeks before (newest first)."""
    logged = [load for load in loads if load > 0]
    if len(logged) >= MIN_LOGGED_WEEKS:
        return Baseline(float(statistics.median(logged)), BaselineSource.HISTORY, len(logged))
    if typical_week is not None:
        return Baseline(float(typical_week), BaselineSource.TYPICAL_WEEK)
    return Baseline(float(DEFAULT_TYPICAL_WEEK), BaselineSource.DEFAULT)


def level(load: int, baseline_value: float, threshold: int | None) -> Level:
    """The level of a weekly load against a baseline and the user's optional threshold.

    Very heavy above 1.75 x baseline; heavy above 1.25 x baseline or at/over the threshold; light
    below 0.75 x baseline; steady otherwise (the boundaries themselves are the milder level).
    A load of 0 is never heavy: light against a positive baseline, else steady. With a baseline of
    0 there is no ratio: the threshold alone can make a week heavy, otherwise it is steady.
    """
    if load <= 0:
        return Level.LIGHT if baseline_value > 0 else Level.STEADY
    at_threshold = threshold is not None and load >= threshold
    if baseline_value <= 0:
        return Level.HEAVY if at_threshold else Level.STEADY
    usual = Fraction(baseline_value)
    if load > VERY_HEAVY_OVER * usual:
        return Level.VERY_HEAVY
    if load > HEAVY_OVER * usual or at_threshold:
        return Level.HEAVY
    if load < LIGHT_BELOW * usual:
        return Level.LIGHT
    return Level.STEADY


def snapshot(
    daily: Mapping[date, int], today: date, typical_week: int | None, threshold: int | None
) -> LoadSnapshot:
    """This week's load (the 7 days ending ``today``), its baseline and its level."""
    load = weekly_load(daily, today)
    usual = baseline(daily, today, typical_week)
    return LoadSnapshot(
        day=today,
        load=load,
        baseline=usual,
        level=level(load, usual.value, threshold),
        logged=load > 0,
    )


def arc(
    daily: Mapping[date, int],
    today: date,
    typical_week: int | None,
    threshold: int | None,
    weeks: int = ARC_WEEKS,
) -> list[WeekPoint]:
    """One point per 7-day window ending today, today-7, .. (oldest first).

    Each point carries the baseline as it was on the window's last day. A window with nothing
    logged has ``logged=False`` and no level: the page shows "nothing logged", not a light week.
    """
    if weeks < 1:
        raise ValueError("an arc has at least one week")
    # Every window the arc and its baselines read, summed once (newest first).
    loads = weekly_loads(daily, today, weeks + BASELINE_WEEKS)
    points = []
    for back in range(weeks - 1, -1, -1):
        end = today - timedelta(weeks=back)
        load = loads[back]
        usual = _baseline(loads[back + 1 : back + 1 + BASELINE_WEEKS], typical_week)
        points.append(
            WeekPoint(
                start=end - timedelta(days=WEEK_DAYS - 1),
                end=end,
                load=load,
                logged=load > 0,
                baseline=usual,
                level=level(load, usual.value, threshold) if load > 0 else None,
            )
        )
    return points


def levels_for(
    daily: Mapping[date, int], today: date, typical_week: int | None, threshold: int | None
) -> tuple[Level, Level]:
    """(level today, level yesterday), each for the 7 days ending on that day, for nudge_due."""
    yesterday = today - timedelta(days=1)
    return (
        snapshot(daily, today, typical_week, threshold).level,
        snapshot(daily, yesterday, typical_week, threshold).level,
    )


def nudge_due(
    level_today: Level, level_yesterday: Level, last_nudge_on: date | None, today: date
) -> bool:
    """Whether a check-in nudge is due today.

    Due when the level is heavy (or worse) today and yesterday, or very heavy today, and no nudge
    went out in the 3 days before (the last one was 3 or more days ago). Quiet hours are the
    sender's concern, not this rule's.
    """
    high = level_today is Level.VERY_HEAVY or (level_today.is_heavy and level_yesterday.is_heavy)
    rested = last_nudge_on is None or today - last_nudge_on >= NUDGE_EVERY
    return high and rested
