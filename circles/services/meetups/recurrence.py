"""Pure (no database): meetup recurrence rules: RRULE text, expansion in local wall time, words.

A series is anchored to a *local* start (a naive wall time as the host entered it, e.g.
2026-03-17 19:00) in the circle's IANA zone. Occurrences are expanded with python-dateutil in that
local wall time and only then localised with zoneinfo, so a weekly 19:00 meetup stays at 19:00
local across daylight-saving changes while its UTC instant moves.

Localisation follows RFC 5545 and PEP 495 (``fold=0``): a wall time that does not exist (the
spring-forward gap) is read with the offset from before the gap, i.e. it moves forward by the gap;
an ambiguous one (fall back) takes its first occurrence.

The RRULE text is what an ``.ics`` feed carries next to ``DTSTART;TZID=<zone>:<local start>``. With
such a DTSTART, RFC 5545 requires UNTIL in UTC ("YYYYMMDDTHHMMSSZ"); we use the end of the local
``until`` day. Naive local wall times are intended throughout this module and are named ``*_local``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Final, Literal
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule, rrulestr, weekday, weekdays

from circles.timezones import wall_time_to_utc

_UTC_FORMAT: Final = "%Y%m%dT%H%M%SZ"
_LOCAL_FORMAT: Final = "%Y%m%dT%H%M%S"
_END_OF_DAY: Final = time(23, 59, 59)
_SLACK: Final = timedelta(days=1)
_WEEKDAY_CODES: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAY_NAMES: Final = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
_ORDINALS: Final = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
# Rule parts under which moving DTSTART forward by whole periods keeps the same occurrences.
_REBASE_SAFE: Final = frozenset({"FREQ", "INTERVAL", "BYDAY", "UNTIL", "WKST"})


class Repeat(StrEnum):
    """How a meetup series repeats."""

    NONE = "none"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY_NTH = "monthly_nth"


def nth_weekday(start_local: date) -> int:
    """Which occurrence of its weekday the date is in its month: 1..4, or -1 for the last.

    A date on the 5th occurrence of its weekday is always the last one, so it maps to -1.
    """
    n = (start_local.day - 1) // 7 + 1
    return -1 if n == 5 else n


def _rule_parts(
    repeat: Repeat, start_local: datetime
) -> tuple[Literal[1, 2], int, weekday | None] | None:
    """(dateutil frequency, interval, BYDAY weekday) for a repeat, or None for a single meetup."""
    if repeat is Repeat.NONE:
        return None
    if repeat is Repeat.WEEKLY:
        return WEEKLY, 1, None
    if repeat is Repeat.BIWEEKLY:
        return WEEKLY, 2, None
    if repeat is Repeat.MONTHLY_NTH:
        return MONTHLY, 1, weekdays[start_local.weekday()](nth_weekday(start_local))
    raise ValueError(f"unknown repeat: {repeat!r}")


def _require_naive(value: datetime, name: str) -> None:
    if value.tzinfo is not None:
        raise ValueError(f"{name} must be a naive local wall time")


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def _end_of_day_local(until_local: date) -> datetime:
    # A naive local wall time on purpose: the last second of the series' final local day.
    return datetime.combine(until_local, _END_OF_DAY)


def _local_rule(repeat: Repeat, start_local: datetime, until_local: date | None) -> rrule | None:
    """The dateutil rule over naive local wall times (UNTIL as a local wall time)."""
    parts = _rule_parts(repeat, start_local)
    if parts is None:
        return None
    freq, interval, byday = parts
    until = _end_of_day_local(until_local) if until_local is not None else None
    return rrule(freq, dtstart=start_local, interval=interval, byweekday=byday, until=until)


def rrule_text(
    repeat: Repeat,
    start_local: datetime,
    until_local: date | None = None,
    *,
    zone: str | None = None,
) -> str | None:
    """The RFC 5545 RRULE value for the series, or None for a single meetup.

    Examples: ``FREQ=WEEKLY``, ``FREQ=WEEKLY;INTERVAL=2``, ``FREQ=MONTHLY;BYDAY=1TU``,
    ``FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20260630T225959Z``. With ``until_local`` the series' ``zone``
    is required: UNTIL is the UTC instant of the end of that local day, the form calendar clients
    accept next to a ``DTSTART;TZID=...``. The value round-trips through ``dateutil.rrule.rrulestr``
    (pass an aware DTSTART when it has an UNTIL).
    """
    _require_naive(start_local, "start_local")
    parts = _rule_parts(repeat, start_local)
    if parts is None:
        return None
    freq, interval, byday = parts  # byday is dateutil's weekday, e.g. TU(+1) or FR(-1)
    text = ["FREQ=MONTHLY" if freq == MONTHLY else "FREQ=WEEKLY"]
    if interval != 1:
        text.append(f"INTERVAL={interval}")
    if byday is not None:
        text.append(f"BYDAY={byday.n}{_WEEKDAY_CODES[byday.weekday]}")
    if until_local is not None:
        if zone is None:
            raise ValueError("zone is required with until_local: UNTIL is written in UTC")
        end = _end_of_day_local(until_local).replace(tzinfo=ZoneInfo(zone))
        text.append(f"UNTIL={end.astimezone(UTC).strftime(_UTC_FORMAT)}")
    return ";".join(text)


def _split(rule_text: str) -> dict[str, str]:
    text = rule_text.strip().removeprefix("RRULE:")
    return {name.upper(): value for name, _, value in (p.partition("=") for p in text.split(";"))}


def _join(parts: dict[str, str]) -> str:
    return ";".join(f"{name}={value}" for name, value in parts.items())


def _until_as_local(value: str, zone: ZoneInfo) -> str:
    """A UTC UNTIL rewritten as a local wall time, as dateutil wants with a naive DTSTART."""
    if not value.upper().endswith("Z"):
        return value  # a date or an already floating value
    moment = datetime.strptime(value.upper(), _UTC_FORMAT).replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime(_LOCAL_FORMAT)


def _months(moment: datetime) -> int:
    return moment.year * 12 + moment.month - 1


def _rebased_start(parts: dict[str, str], start_local: datetime, lo_local: datetime) -> datetime:
    """A later DTSTART, on or before ``lo_local``, that yields the same occurrences from there.

    dateutil's ``between``/``after`` walk every occurrence from DTSTART, so a series that began
    years before the window would be stepped through one by one. For the rules we write (weekly
    or monthly, no COUNT) moving DTSTART forward by whole periods keeps the occurrence set.
    """
    if lo_local <= start_local or not set(parts) <= _REBASE_SAFE:
        return start_local
    interval = int(parts.get("INTERVAL", "1"))
    if interval < 1:
        return start_local
    if parts.get("FREQ") == "WEEKLY":
        period = timedelta(weeks=interval)
        return start_local + period * ((lo_local - start_local) // period)
    if parts.get("FREQ") == "MONTHLY" and "BYDAY" in parts:
        steps = (_months(lo_local) - _months(start_local)) // interval
        if steps < 1:
            return start_local
        year, month0 = divmod(_months(start_local) + steps * interval, 12)
        # Day 1 of a month in step with the series; BYDAY picks the day inside each month.
        return datetime.combine(date(year, month0 + 1, 1), start_local.time())
    return start_local


def to_utc(moment_local: datetime, zone: str) -> datetime:
    """A naive local wall time in the zone as an aware UTC datetime.

    A nonexistent time (spring-forward gap) moves forward by the gap; an ambiguous one (fall back)
    is its first occurrence (``fold=0``).
    """
    _require_naive(moment_local, "moment_local")
    return wall_time_to_utc(moment_local, zone)


@lru_cache(maxsize=8192)
def _occurrences_by_day(
    rrule: str | None, start_local: datetime, zone: str, first_day: date, last_day: date
) -> tuple[datetime, ...]:
    window_start = datetime.combine(first_day, time(), UTC)
    window_end = datetime.combine(last_day, time(), UTC)
    return tuple(occurrences(rrule, start_local, zone, window_start, window_end))


def occurrences_cached(
    rrule: str | None,
    start_local: datetime,
    zone: str,
    window_start: datetime,
    window_end: datetime,
) -> list[datetime]:
    """``occurrences`` for a window, expanded once per whole UTC days and kept in memory.

    Pages ask for "from now" many times a day; widened to whole days, the same rule and window
    give the same key, so a series is expanded once a day per process instead of per request.
    The key holds the rule itself, so an edited series never reads a stale expansion.
    """
    first_day = window_start.astimezone(UTC).date()
    last_day = window_end.astimezone(UTC).date() + timedelta(days=1)
    expanded = _occurrences_by_day(rrule, start_local, zone, first_day, last_day)
    return [start for start in expanded if window_start <= start < window_end]


def occurrences(
    rrule: str | None,
    start_local: datetime,
    zone: str,
    window_start: datetime,
    window_end: datetime,
    limit: int | None = None,
) -> list[datetime]:
    """Aware UTC start times of the occurrences starting in ``[window_start, window_end)``.

    ``rrule`` is an RRULE value (as from :func:`rrule_text`) or None for a single meetup;
    ``start_local`` is the series' naive local start in ``zone``. Expansion happens in local wall
    time, then each occurrence is localised (gap: forward by the gap; overlap: first). At most
    ``limit`` occurrences are returned, earliest first. Far-future windows cost no more than near
    ones.
    """
    _require_naive(start_local, "start_local")
    _require_aware(window_start, "window_start")
    _require_aware(window_end, "window_end")
    if limit is not None and limit <= 0:
        return []
    tz = ZoneInfo(zone)
    if rrule is None:
        only = to_utc(start_local, zone)
        return [only] if window_start <= only < window_end else []

    # The window as naive local bounds, with a day of slack for offsets and DST shifts.
    lo_local = window_start.astimezone(tz).replace(tzinfo=None) - _SLACK
    hi_local = window_end.astimezone(tz).replace(tzinfo=None) + _SLACK
    parts = _split(rrule)
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_as_local(parts["UNTIL"], tz)
    dtstart = _rebased_start(parts, start_local, lo_local)
    rule = rrulestr(_join(parts), dtstart=dtstart)

    found: list[datetime] = []
    for moment_local in rule.xafter(lo_local, inc=True):
        if moment_local > hi_local:
            break
        moment = to_utc(moment_local, zone)
        if window_start <= moment < window_end:
            found.append(moment)
            if limit is not None and len(found) >= limit:
                break
    return found


def occurrence_key(start_utc: datetime) -> str:
    """A stable id for one occurrence: its original UTC start, e.g. ``20260317T190000Z``.

    Cancellations, moves and RSVPs hang on this key, so it never changes when an occurrence moves.
    """
    _require_aware(start_utc, "start_utc")
    return start_utc.astimezone(UTC).strftime(_UTC_FORMAT)


def occurrence_from_key(key: str) -> datetime:
    """The aware UTC start an :func:`occurrence_key` stands for; ValueError when malformed."""
    return datetime.strptime(key, _UTC_FORMAT).replace(tzinfo=UTC)


def describe(repeat: Repeat, start_local: datetime) -> str:
    """Words for people: "Once", "Every week on Tuesday", "Monthly on the last Friday"..."""
    day = _WEEKDAY_NAMES[start_local.weekday()]
    if repeat is Repeat.NONE:
        return "Once"
    if repeat is Repeat.WEEKLY:
        return f"Every week on {day}"
    if repeat is Repeat.BIWEEKLY:
        return f"Every 2 weeks on {day}"
    if repeat is Repeat.MONTHLY_NTH:
        return f"Monthly on the {_ORDINALS[nth_weekday(start_local)]} {day}"
    raise ValueError(f"unknown repeat: {repeat!r}")


def validate(repeat: Repeat, start_local: datetime, until_local: date | None) -> str | None:
    """A plain-words message when the series would never meet, else None."""
    if until_local is None:
        return None
    if until_local < start_local.date():
        return "The end date is before the first meetup. Choose an end date on or after it."
    rule = _local_rule(repeat, start_local.replace(tzinfo=None), until_local)
    if rule is None:
        return None
    # Our rules always include their start; this guards any rule added later.
    if rule.after(start_local.replace(tzinfo=None), inc=True) is None:
        return "No meetup falls between the start and the end date. Choose a later end date."
    return None
