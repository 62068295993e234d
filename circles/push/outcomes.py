"""What a push service's answer means for the outbox row and the subscription."""

from __future__ import annotations

import email.utils
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final

MAX_RETRY_AFTER: Final = 24 * 60 * 60
"""A ``Retry-After`` longer than this is shortened to it."""

BACKOFF_BASE: Final = 30.0
BACKOFF_CAP: Final = 6 * 60 * 60.0


class Outcome(StrEnum):
    """What the push service's answer means for the caller."""

    delivered = "delivered"
    """201/202: mark sent, reset the subscription's error count."""
    gone = "gone"
    """404/410 (or an unusable subscription): delete it, never POST to it again."""
    payload_error = "payload_error"
    """413 or too big to send: a bug on our side; record, do not retry."""
    retry_later = "retry_later"
    """429/503: retry after ``retry_after`` seconds when given, else after :func:`backoff`."""
    retry = "retry"
    """Other 5xx, timeout, connection error: retry after :func:`backoff`."""
    config_error = "config_error"
    """400/401/403 and other refusals: our VAPID setup or request is wrong; keep the
    subscription, log loudly, do not retry this message."""


@dataclass(frozen=True)
class Result:
    """The outcome of one send: ``status`` is None when no HTTP answer came."""

    outcome: Outcome
    status: int | None
    retry_after: float | None
    detail: str

    @property
    def retryable(self) -> bool:
        """Whether the same message should be sent again later."""
        return self.outcome in (Outcome.retry, Outcome.retry_later)

    def next_delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retry number ``attempt`` (0 for the first retry)."""
        if self.retry_after is not None:
            return self.retry_after
        return backoff(attempt, rng)


def backoff(attempt: int, rng: Callable[[], float] = random.random) -> float:
    """Capped exponential backoff with full jitter: uniform in [0, min(cap, base * 2**attempt)).

    ``attempt`` counts the failures before this retry, from 0: the ceilings are 30 s, 1 min,
    2 min, ... up to 6 hours.
    """
    if attempt < 0:
        raise ValueError("attempt must be >= 0")
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** min(attempt, 32))
    return ceiling * min(max(rng(), 0.0), 1.0)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` value (delay-seconds or HTTP-date), within [0, 1 day]."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # HTTP-dates are GMT
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), float(MAX_RETRY_AFTER))
