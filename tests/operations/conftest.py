"""Settings that production accepts, for tests that take one away at a time."""

from __future__ import annotations

from typing import Any

import pytest

from circles.push import vapid


def _raw_private_key() -> str:
    keys = vapid.generate()
    key = vapid.parse_private_key(keys.private_pem.decode("ascii"))
    return vapid.b64url_encode(key.private_numbers().private_value.to_bytes(32, "big"))


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
        "VAPID_PRIVATE_KEY": _raw_private_key(),
        "VAPID_PUBLIC_KEY": "",
        "VAPID_SUBJECT": "mailto:ops@circles.example.org",
    }
