"""Pure (no database): checking, normalising and linking each way to reach someone.

Phone numbers are stored in E.164 (read with ``phonenumbers``, the region guessed from the
person's time zone when no country code is typed); each kind has its official link format.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import quote, urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email

TELEGRAM_NAME = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{4,31})$")
MAX_LINK = 300


class ReachKind(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    SIGNAL = "signal"
    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    SCHEDULING = "scheduling"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ReachKind.PHONE: "Phone (call and text)",
    ReachKind.EMAIL: "Email",
    ReachKind.SIGNAL: "Signal (phone number)",
    ReachKind.WHATSAPP: "WhatsApp (phone number)",
    ReachKind.TELEGRAM: "Telegram (username)",
    ReachKind.SCHEDULING: "A link to book time with me",
}
PHONE_KINDS = {ReachKind.PHONE, ReachKind.SIGNAL, ReachKind.WHATSAPP}


class ReachError(ValueError):
    """A way to reach someone that can't be used, in words for the form."""


@dataclass(frozen=True)
class Action:
    """One button: what it says and the link it opens."""

    label: str
    href: str


@cache
def _zone_regions() -> dict[str, str]:
    """Each IANA zone's first country code, from the zone tables that ship with tzdata."""
    table = resources.files("tzdata").joinpath("zoneinfo", "zone1970.tab").read_text()
    regions: dict[str, str] = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            codes, _coordinates, zone, *_ = line.split("\t")
            regions[zone] = codes.split(",")[0]
    return regions


def _phone(value: str, time_zone: str) -> str:
    region = _zone_regions().get(time_zone)
    try:
        number = phonenumbers.parse(value, None if value.strip().startswith("+") else region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ReachError("That isn't a phone number we can dial. Add the country code, like +44.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise(kind: ReachKind, value: str, time_zone: str) -> str:
    """The value as stored (E.164 numbers, lower-case email, bare username, https link)."""
    value = value.strip()
    if not value:
        raise ReachError("Fill this in, or choose another way.")
    if kind in PHONE_KINDS:
        return _phone(value, time_zone)
    if kind is ReachKind.EMAIL:
        try:
            return str(validate_email(value, check_deliverability=False).normalized)
        except EmailNotValidError:
            raise ReachError("That doesn't look like an email address.") from None
    if kind is ReachKind.TELEGRAM:
        found = TELEGRAM_NAME.match(value.removeprefix("https://t.me/"))
        if not found:
            raise ReachError("A Telegram username has 5 to 32 letters, digits or underscores.")
        return found.group(1)
    parts = urlsplit(value)
    if parts.scheme != "https" or "." not in (parts.hostname or "") or len(value) > MAX_LINK:
        raise ReachError("Paste the full https:// link of your booking page.")
    return value


def actions(kind: ReachKind, value: str) -> list[Action]:
    """The buttons for one way to reach someone."""
    if kind is ReachKind.PHONE:
        return [Action("Call", f"tel:{value}"), Action("Text", f"sms:{value}")]
    if kind is ReachKind.EMAIL:
        return [Action("Email", f"mailto:{quote(value, safe='@')}")]
    if kind is ReachKind.SIGNAL:
        return [Action("Signal", f"https://signal.me/#p/{value}")]
    if kind is ReachKind.WHATSAPP:
        return [Action("WhatsApp", f"https://wa.me/{value.lstrip('+')}")]
    if kind is ReachKind.TELEGRAM:
        return [Action("Telegram", f"https://t.me/{value}")]
    return [Action("Book a time", value)]


def shown(kind: ReachKind, value: str) -> str:
    """The value as the owner reads it in their own list."""
    if kind in PHONE_KINDS:
        number = phonenumbers.parse(value, None)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return "@" + value if kind is ReachKind.TELEGRAM else value
