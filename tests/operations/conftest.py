"""Settings that production accepts, for tests that take one away at a time."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.settings import raw_vapid_private_key


@pytest.fixture
def production_settings() -> dict[str, Any]:
    """Everything production needs, with PUBLIC_URL on the test client's host."""
    return {
        "CIRCLES_ENV": "production",
        "SECRET_KEY": "s" * 48,
        "PUBLIC_URL": "https://circles.test",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_FROM": "Circles <no-reply@circles.example.org>",
        "RATELIMIT_STORAGE_URI": "memory://",
        "WEB_CONCURRENCY": 1,
        "VAPID_PRIVATE_KEY": raw_vapid_private_key(),
        "VAPID_PUBLIC_KEY": "",
        "VAPID_SUBJECT": "mailto:ops@circles.example.org",
    }
