"""Pure (no database): season lengths, week numbers, the recommit window, who starts the next
season, which waiting people are offered the seats that free up, and the summary's calm line.

A season runs for a number of months or a number of meetups (by default 6 months or 12 meetups,
as the self-run groups in the research met every two weeks for six months). Two weeks before it
ends, each member answers privately: continue, pause or leave. No answer counts as continue: the
next season never drops anyone who simply didn't get round to answering.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

DEFAULT_MONTHS = 6
DEFAULT_MEETUPS = 12
MAX_MONTHS = 12
MIN_MEETUPS, MAX_MEETUPS = 2, 26
RECOMMIT_WINDOW = timedelta(weeks=2)
# Without enough scheduled meetups to count, a meetup-long season assumes the common rhythm.
ASSUMED_MEETUP_GAP = timedelta(weeks=2)
# The season's last burnout check comes a few days before its end, before the summary.
END_CHECK_BEFORE = timedelta(days=3)


class Unit(enum.StrEnum):
    MONTHS = "months"
    MEETUPS = "meetups"


class Choice(enum.StrEnum):
    CONTINUE = "continue"
    PAUSE = "pause"
    LEAVE = "leave"

    @property
    def label(self) -> str:
        return _CHOICE_LABELS[self]


_CHOICE_LABELS = {
    Choice.CONTINUE: "Continue next season",
    Choice.PAUSE: "Pause for a season",
    Choice.LEAVE: "Leave the circle",
}


def length_problem(unit: Unit, length: int) -> str | None:
    """Why a season length can't be used, or None when it can."""
    if unit is Unit.MONTHS and not 1 <= length <= MAX_MONTHS:
        return f"A season runs 1 to {MAX_MONTHS} months."
    if unit is Unit.MEETUPS and not MIN_MEETUPS <= length <= MAX_MEETUPS:
        return f"A season runs {MIN_MEETUPS} to {MAX_MEETUPS} meetups."
    return None


def end_date(starts_on: date, unit: Unit, length: int, meetup_days: Sequence[date] = ()) -> date:
    """The day a season ends: ``length`` months after its start, or the day of its last meetup.

    ``meetup_days`` are the circle's planned meetup days (any order). When fewer than ``length``
    fall on or after the start, the rest are assumed every two weeks after the last one known.
    """
    if unit is Unit.MONTHS:
        return starts_on + relativedelta(months=length)
    coming = sorted(day for day in set(meetup_days) if day >= starts_on)
    if len(coming) >= length:
        last = coming[length - 1]
    else:
        last = (coming[-1] if coming else starts_on) + ASSUMED_MEETUP_GAP * (length - len(coming))
    return max(last, starts_on + timedelta(days=1))


@dataclass(frozen=True)
class SeasonWeek:
    week: int  # 1 in the season's first seven days; 0 before it starts
    of_weeks: int
    started: bool
    over: bool

    @property
    def words(self) -> str:
        if not self.started:
            return "The season hasn't started yet."
        if self.over:
            return f"The season's {self.of_weeks} weeks are over."
        return f"Week {self.week} of {self.of_weeks}"


def weeks_in(starts_on: date, ends_on: date) -> int:
    """How many weeks a season spans (a part week counts as a week)."""
    return max(1, math.ceil((ends_on - starts_on).days / 7))


def week_of(starts_on: date, ends_on: date, today: date) -> SeasonWeek:
    """Which week of the season ``today`` falls in (days starts_on .. starts_on+6 are week 1)."""
    total = weeks_in(starts_on, ends_on)
    if today < starts_on:
        return SeasonWeek(0, total, started=False, over=False)
    week = (today - starts_on).days // 7 + 1
    return SeasonWeek(min(week, total), total, started=True, over=today > ends_on)


def recommit_opens_on(starts_on: date, ends_on: date) -> date:
    """Two weeks before the end (never before the start of a short season)."""
    return max(ends_on - RECOMMIT_WINDOW, starts_on)


def recommit_open(starts_on: date, ends_on: date, today: date) -> bool:
    """Whether members answer continue / pause / leave now: from two weeks before the end
    until the next season starts (a season that ran over keeps the window open)."""
    return today >= recommit_opens_on(starts_on, ends_on)


def can_start_next(starts_on: date, ends_on: date, today: date) -> bool:
    """A host starts the next season once members have had the recommit window to answer."""
    return recommit_open(starts_on, ends_on, today)


def check_days(starts_on: date, ends_on: date) -> dict[str, date]:
    """When the season asks for the burnout check: at its start, its middle and near its end."""
    middle = starts_on + (ends_on - starts_on) / 2
    end = max(ends_on - END_CHECK_BEFORE, middle + timedelta(days=1))
    return {"start": starts_on, "middle": middle, "end": end}


@dataclass(frozen=True)
class Composition:
    """Who the next season starts with, and who steps away (each sorted by id)."""

    continuing: list[int]
    pausing: list[int]
    leaving: list[int]


def next_season(choices: Mapping[int, Choice | None]) -> Composition:
    """Split the members by their answers; no answer counts as continue."""
    split: dict[Choice, list[int]] = {choice: [] for choice in Choice}
    for user_id, choice in choices.items():
        split[choice or Choice.CONTINUE].append(user_id)
    return Composition(
        sorted(split[Choice.CONTINUE]), sorted(split[Choice.PAUSE]), sorted(split[Choice.LEAVE])
    )


@dataclass(frozen=True)
class HostView:
    """What a host sees of the answers: counts, and by name only those who continue."""

    continuing: list[int]
    pausing: int
    leaving: int
    not_yet: int


def host_view(choices: Mapping[int, Choice | None]) -> HostView:
    answered = {user_id: choice for user_id, choice in choices.items() if choice is not None}
    return HostView(
        continuing=sorted(u for u, c in answered.items() if c is Choice.CONTINUE),
        pausing=sum(1 for c in answered.values() if c is Choice.PAUSE),
        leaving=sum(1 for c in answered.values() if c is Choice.LEAVE),
        not_yet=len(choices) - len(answered),
    )


def seats_to_offer(cap: int, seated: int, waiting: Sequence[int]) -> list[int]:
    """The first waiting people (in the order they joined the waitlist) for the free seats."""
    free = max(cap - seated, 0)
    return list(waiting[:free])


class Trend(enum.StrEnum):
    LIGHTER = "lighter"
    SIMILAR = "similar"
    HEAVIER = "heavier"


def load_trend(weekly: Sequence[int | None], usual: float) -> Trend | None:
    """The season's last weeks against its first (logged weeks only); None with too few."""
    logged = [load for load in weekly if load]
    if len(logged) < 4:
        return None
    third = max(len(logged) // 3, 2)
    early = sum(logged[:third]) / third
    late = sum(logged[-third:]) / third
    margin = max(usual * 0.15, 1.0)
    if late < early - margin:
        return Trend.LIGHTER
    if late > early + margin:
        return Trend.HEAVIER
    return Trend.SIMILAR


def what_changed(
    first_check: int | None, last_check: int | None, trend: Trend | None, attended: int
) -> str:
    """One calm sentence on the season, from the person's own answers and log."""
    parts: list[str] = []
    if trend is Trend.LIGHTER:
        parts.append("Your 1:1s got lighter over the season.")
    elif trend is Trend.HEAVIER:
        parts.append("Your 1:1s got heavier towards the end of the season.")
    elif trend is Trend.SIMILAR:
        parts.append("Your 1:1 load held about steady through the season.")
    if first_check is not None and last_check is not None and first_check != last_check:
        if last_check < first_check:
            parts.append("Your own check reads lighter at the end than at the start.")
        else:
            parts.append("Your own check reads heavier at the end than at the start.")
    if trend is Trend.HEAVIER or (
        first_check is not None and last_check is not None and last_check > first_check
    ):
        parts.append("That is worth bringing to your circle, or to someone you trust.")
    if not parts:
        if attended:
            parts.append("You were there for your circle this season, and it was there for you.")
        else:
            parts.append("A season is a long stretch. Whatever it held, it counts.")
    return " ".join(parts)
