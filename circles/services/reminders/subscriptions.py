"""Push subscriptions: the devices a user gets reminders on."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.push import PushSubscription
from circles.models.user import User
from circles.push.sender import DEFAULT_ALLOWED_HOSTS, allowed_endpoint


class SubscriptionError(ValueError):
    """The browser sent something that isn't a usable push subscription."""


class SubscriptionTaken(SubscriptionError):
    """The endpoint is registered to another account (which alone may remove it)."""


def _key(value: Any, length: int, name: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 200:
        raise SubscriptionError(f"The subscription's {name} key is missing.")
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise SubscriptionError(f"The subscription's {name} key isn't base64url.") from None
    if len(raw) != length or (name == "p256dh" and raw[0] != 4):
        raise SubscriptionError(f"The subscription's {name} key has the wrong length.")
    return value.rstrip("=")


def validate(
    data: Any, allowed_hosts: Iterable[str], allow_http_localhost: bool
) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) from a browser's PushSubscription JSON, or SubscriptionError."""
    if not isinstance(data, Mapping):
        raise SubscriptionError("Send the browser's push subscription as JSON.")
    endpoint, keys = data.get("endpoint"), data.get("keys")
    if not isinstance(endpoint, str) or len(endpoint) > 1000:
        raise SubscriptionError("The subscription has no usable endpoint.")
    hosts = list(allowed_hosts) or list(DEFAULT_ALLOWED_HOSTS)
    if not allowed_endpoint(endpoint, hosts, allow_http_localhost=allow_http_localhost):
        raise SubscriptionError("That push service isn't one we deliver to.")
    if not isinstance(keys, Mapping):
        raise SubscriptionError("The subscription has no keys.")
    return endpoint, _key(keys.get("p256dh"), 65, "p256dh"), _key(keys.get("auth"), 16, "auth")


def of(session: DbSession, user: User) -> list[PushSubscription]:
    """The user's devices, newest first."""
    return list(
        session.scalars(
            sa.select(PushSubscription)
            .where(PushSubscription.user_id == user.id)
            .order_by(PushSubscription.created_at.desc())
        )
    )


def device_label(user_agent: str) -> str:
    """A short, human name for a browser, from its user agent."""
    ua = user_agent.lower()
    system = next(
        (
            name
            for key, name in (
                ("iphone", "iPhone"),
                ("ipad", "iPad"),
                ("android", "Android"),
                ("mac os", "Mac"),
                ("windows", "Windows"),
                ("linux", "Linux"),
            )
            if key in ua
        ),
        "a device",
    )
    browser = next(
        (
            name
            for key, name in (
                ("edg/", "Edge"),
                ("firefox", "Firefox"),
                ("chrome", "Chrome"),
                ("safari", "Safari"),
            )
            if key in ua
        ),
        "a browser",
    )
    return f"{browser} on {system}"
