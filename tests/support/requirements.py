"""Tests that need something from the machine: in CI that is a failure, elsewhere a skip."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(what: str) -> NoReturn:
    """Stop the test because `what` is not available here (fail in CI, skip on a laptop)."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"cannot run: {what} is missing, and in CI nothing may skip")
    pytest.skip(f"needs {what}")
