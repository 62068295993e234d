"""Waiting for something outside the test that sends no signal: poll it, with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

INTERVAL = 0.1  # seconds between two looks; the deadline, not this, bounds the wait


def poll(check: Callable[[], T], what: str, timeout: float = 10.0) -> T:
    """The first true value of `check()`, looked at until `timeout` seconds have passed.

    `check` may raise AssertionError to stop at once (e.g. the server it waits for has died).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(INTERVAL)
