"""IANA time zones: validation and display helpers."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones


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
