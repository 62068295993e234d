"""VTIMEZONE blocks that hold for every year: yearly RRULEs from the zone's POSIX TZ rule.

icalendar lists each daylight-saving change of a date range in one multi-valued RDATE, which
Mozilla's ical.js (Thunderbird, many web calendars) reads only the first value of, and the list
stops at the range's end while series never end. The TZif file of every zone ends with a POSIX TZ
string (e.g. ``EST5EDT,M3.2.0,M11.1.0``) giving the rule in force from some year on. We emit that
rule as yearly ``RRULE`` observances, and earlier changes (if a series reaches back before the
rule) as one observance per change, so every parser reads every change.
"""

from __future__ import annotations

import re
import zoneinfo
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

_NAME = r"<[^>]+>|[A-Za-z]{3,}"
_OFFSET = r"[+-]?\d{1,3}(?::\d{2}(?::\d{2})?)?"
_DATE_RULE = rf"M(\d{{1,2}})\.([1-5])\.([0-6])(?:/({_OFFSET}))?"
_POSIX = re.compile(
    rf"^(?P<std>{_NAME})(?P<std_off>{_OFFSET})"
    rf"(?:(?P<dst>{_NAME})(?P<dst_off>{_OFFSET})?,(?P<start>{_DATE_RULE}),(?P<end>{_DATE_RULE}))?$"
)
_DAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # POSIX counts weekdays from Sunday
# TZif files list changes up to 2037 (Africa/Casablanca's Ramadan ones up to 2087): beyond this
# year only the POSIX rule can apply.
_LAST_CHECKED_YEAR = 2100
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class DateRule:
    """POSIX ``Mm.w.d/time``: weekday d of week w (5 = last) of month m, at a local time."""

    month: int
    week: int
    weekday: int  # 0 = Sunday
    at: timedelta  # may be negative or past 24 hours (e.g. Asia/Jerusalem's 26:00)

    def local(self, year: int) -> datetime:
        """The change's local wall time (in the offset before it) in that year."""
        first = date(year, self.month, 1)
        day = first + timedelta(days=(self.weekday - (first.isoweekday() % 7)) % 7)
        day += timedelta(weeks=self.week - 1)
        while day.month != self.month:  # week 5 means the last one
            day -= timedelta(weeks=1)
        return datetime.combine(day, time()) + self.at

    def recur(self) -> vRecur:
        """The same rule as a yearly RRULE (ValueError when RRULE cannot say it)."""
        shift, _ = divmod(self.at, _DAY)  # whole days the time reaches beyond the rule's day
        weekday = _DAYS[(self.weekday + shift) % 7]
        if shift == 0:
            nth = -1 if self.week == 5 else self.week
            return vRecur(freq="YEARLY", bymonth=self.month, byday=f"{nth}{weekday}")
        if self.week == 5:
            days = [d + shift for d in range(-7, 0)]
        else:
            days = [d + shift for d in range(7 * (self.week - 1) + 1, 7 * self.week + 1)]
        shortest = monthrange(2001, self.month)[1]  # a common year: February's 28 days
        if not (all(1 <= d <= shortest for d in days) or all(-shortest <= d <= -1 for d in days)):
            raise ValueError("the change crosses into another month")
        return vRecur(freq="YEARLY", bymonth=self.month, byday=weekday, bymonthday=days)


@dataclass(frozen=True)
class PosixRule:
    std_name: str
    std_offset: timedelta
    dst_name: str | None = None
    dst_offset: timedelta | None = None
    start: DateRule | None = None  # into daylight time
    end: DateRule | None = None  # back to standard time

    def offset_at(self, moment: datetime) -> timedelta:
        """The UTC offset the rule gives at an aware instant."""
        if self.start is None or self.end is None or self.dst_offset is None:
            return self.std_offset
        naive = moment.astimezone(UTC).replace(tzinfo=None)
        begins = self.start.local(naive.year) - self.std_offset
        ends = self.end.local(naive.year) - self.dst_offset
        in_dst = begins <= naive < ends if begins < ends else not ends <= naive < begins
        return self.dst_offset if in_dst else self.std_offset

    def changes(self, year: int) -> list[datetime]:
        """The UTC instants of the year's changes."""
        if self.start is None or self.end is None or self.dst_offset is None:
            return []
        return [
            (self.start.local(year) - self.std_offset).replace(tzinfo=UTC),
            (self.end.local(year) - self.dst_offset).replace(tzinfo=UTC),
        ]


def _hours(text: str) -> timedelta:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")] + [0, 0]
    return sign * timedelta(hours=parts[0], minutes=parts[1], seconds=parts[2])


def _name(text: str) -> str:
    return text.strip("<>")


def _date_rule(match: re.Match[str] | None) -> DateRule:
    if match is None:
        raise ValueError("not an Mm.w.d rule")
    month, week, weekday, at = match.groups()
    return DateRule(int(month), int(week), int(weekday), _hours(at) if at else timedelta(hours=2))


def parse_posix(text: str) -> PosixRule:
    """A POSIX TZ string (only the ``Mm.w.d`` date form real zones use); ValueError otherwise."""
    match = _POSIX.match(text)
    if match is None:
        raise ValueError(f"unsupported POSIX TZ string: {text!r}")
    std_offset = -_hours(match["std_off"])  # POSIX offsets are west-positive
    if match["dst"] is None:
        return PosixRule(_name(match["std"]), std_offset)
    dst_offset = -_hours(match["dst_off"]) if match["dst_off"] else std_offset + timedelta(hours=1)
    date_rule = re.compile(_DATE_RULE)
    return PosixRule(
        _name(match["std"]),
        std_offset,
        _name(match["dst"]),
        dst_offset,
        _date_rule(date_rule.fullmatch(match["start"])),
        _date_rule(date_rule.fullmatch(match["end"])),
    )


def _tzif(key: str) -> bytes:
    """The zone's TZif data, found where zoneinfo finds it (TZPATH first, then tzdata)."""
    for root in zoneinfo.TZPATH:
        path = Path(root, key)
        if path.is_file():
            return path.read_bytes()
    return resources.files("tzdata.zoneinfo").joinpath(*key.split("/")).read_bytes()


def posix_footer(key: str) -> str:
    """The POSIX TZ string at the end of the zone's TZif (v2+) data."""
    data = _tzif(key)
    if not data.startswith(b"TZif") or data[4:5] < b"2":
        raise ValueError(f"{key}: TZif data without a footer")
    return data.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii")


def _agrees(zone: ZoneInfo, rule: PosixRule, year: int) -> bool:
    """True when the rule gives the zone's real offsets all through the year."""
    noon = datetime(year, 1, 1, 12, tzinfo=UTC)
    samples = [noon + timedelta(days=d) for d in range(0, 366, 7)]
    for change in rule.changes(year):
        samples += [change - timedelta(seconds=1), change]
    return all(zone.utcoffset(t.astimezone(zone)) == rule.offset_at(t) for t in samples)


@cache
def _rule_from(key: str) -> tuple[PosixRule, int]:
    """The zone's rule and the first year from which it alone describes the zone."""
    rule = parse_posix(posix_footer(key))
    zone = ZoneInfo(key)
    year = _LAST_CHECKED_YEAR
    while year > 1900 and _agrees(zone, rule, year - 1):
        year -= 1
    return rule, year


def _observance(
    daylight: bool, start_local: datetime, before: timedelta, after: timedelta, name: str | None
) -> TimezoneDaylight | TimezoneStandard:
    part = TimezoneDaylight() if daylight else TimezoneStandard()
    part.add("dtstart", start_local)
    part.add("tzoffsetfrom", before)
    part.add("tzoffsetto", after)
    if name:
        part.add("tzname", name)
    return part


def _history(zone: ZoneInfo, since: date, until: date) -> list[TimezoneDaylight | TimezoneStandard]:
    """One observance per change in [since, until), found by probing the zone day by day."""
    moment = datetime.combine(since, time(), tzinfo=UTC)
    end = datetime.combine(until, time(), tzinfo=UTC)
    first = moment.astimezone(zone)
    offset = first.utcoffset() or timedelta()
    parts = [
        _observance(
            bool(first.dst()), moment.replace(tzinfo=None) + offset, offset, offset, first.tzname()
        )
    ]
    while moment < end:
        step = moment + _DAY
        if zone.utcoffset(step.astimezone(zone)) != offset:
            low, high = moment, step  # the change happens in (low, high]: find its second
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if zone.utcoffset(middle.astimezone(zone)) == offset:
                    low = middle
                else:
                    high = middle
            after = high.astimezone(zone)
            new_offset = after.utcoffset() or timedelta()
            start_local = high.replace(tzinfo=None, microsecond=0) + offset
            parts.append(
                _observance(bool(after.dst()), start_local, offset, new_offset, after.tzname())
            )
            offset = new_offset
        moment = step
    return parts


def _yearly(rule: PosixRule, year: int) -> list[TimezoneDaylight | TimezoneStandard]:
    if rule.start is None or rule.end is None or rule.dst_offset is None:
        start = datetime.combine(date(year, 1, 1), time())  # a local wall time, as RFC 5545 wants
        return [_observance(False, start, rule.std_offset, rule.std_offset, rule.std_name)]
    into = _observance(
        True, rule.start.local(year), rule.std_offset, rule.dst_offset, rule.dst_name
    )
    into.add("rrule", rule.start.recur())
    back = _observance(False, rule.end.local(year), rule.dst_offset, rule.std_offset, rule.std_name)
    back.add("rrule", rule.end.recur())
    return [into, back]


def vtimezone(key: str, since: date) -> Timezone:
    """The zone as a VTIMEZONE right for every date from ``since`` on, with no end."""
    component = Timezone.from_ical(_vtimezone_text(key, since.year))
    if not isinstance(component, Timezone):
        raise TypeError("a VTIMEZONE parsed as something else")
    return component  # a fresh copy: callers may add it to their calendar


@cache
def _vtimezone_text(key: str, since_year: int) -> bytes:
    # Worked out once per zone and year per process: the same for every feed that asks.
    return bytes(_build(key, date(since_year, 1, 1)).to_ical())


def _build(key: str, since: date) -> Timezone:
    zone = ZoneInfo(key)
    component = Timezone()
    component.add("tzid", key)
    component.add("x-lic-location", key)
    try:
        rule, rule_year = _rule_from(key)
        yearly = _yearly(rule, max(rule_year, since.year - 1))
    except (ValueError, OSError):
        # No usable rule (cannot happen with today's tzdata): list a century of changes one by one.
        for part in _history(zone, since, since + timedelta(days=365 * 100)):
            component.add_component(part)
        return component
    if since.year - 1 < rule_year:
        for part in _history(zone, date(since.year - 1, 1, 1), date(rule_year, 1, 1)):
            component.add_component(part)
    for part in yearly:
        component.add_component(part)
    return component
