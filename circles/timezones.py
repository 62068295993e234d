"""IANA time zones: validation and display helpers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from dateutil import tz as dateutil_tz


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name tzdata knows, in area/city form, sorted."""
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


def is_zone(name: str) -> bool:
    """True for an IANA zone name such as Europe/London."""
    return name in zone_names()


def local(moment: datetime, zone: str) -> datetime:
    """An aware UTC datetime seen in the given zone."""
    return moment.astimezone(ZoneInfo(zone))


def local_date(moment: datetime, zone: str) -> date:
    """The date an aware datetime falls on in an IANA zone (23:30 local counts on that day)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("local_date needs an aware datetime")
    return moment.astimezone(ZoneInfo(zone)).date()


def skipped_to(moment_local: datetime, zone: str) -> datetime | None:
    """The wall time a skipped time becomes (as ``wall_time_to_utc`` reads it), else None."""
    if dateutil_tz.datetime_exists(moment_local.replace(tzinfo=ZoneInfo(zone))):
        return None
    return local(wall_time_to_utc(moment_local, zone), zone).replace(tzinfo=None)


def wall_time_to_utc(moment_local: datetime, zone: str, fold: int = 0) -> datetime:
    """A naive wall time in the zone as an aware UTC datetime, the same way everywhere.

    A time the clocks skip (spring forward) moves forward by the size of the gap, as
    ``dateutil.tz.resolve_imaginary`` does (02:30 in a one-hour gap is 03:30); a time that happens
    twice (fall back) is the first of the two unless ``fold=1`` asks for the second.
    """
    if moment_local.tzinfo is not None:
        raise ValueError("wall_time_to_utc needs a naive wall time")
    aware = dateutil_tz.resolve_imaginary(moment_local.replace(tzinfo=ZoneInfo(zone), fold=fold))
    return aware.astimezone(UTC)
