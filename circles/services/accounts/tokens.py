"""Pure (no database): signed, expiring, single-use email confirmation and password reset tokens."""

from __future__ import annotations

import hashlib
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from circles.models.user import User

CONFIRM = "confirm-email"
RESET = "reset-password"


def _fingerprint(user: User) -> str:
    # Changes whenever the password or confirmation changes, so a used link stops working.
    state = f"{user.password_hash}|{user.email_confirmed_at}|{user.email}"
    return hashlib.sha256(state.encode()).hexdigest()[:20]


def make(secret_key: str, purpose: str, user: User, extra: dict[str, Any] | None = None) -> str:
    """A URL-safe token for the user, bound to the account's current state."""
    payload = {"u": user.id, "f": _fingerprint(user), **(extra or {})}
    return URLSafeTimedSerializer(secret_key, salt=purpose).dumps(payload)


def read(secret_key: str, purpose: str, token: str, max_age: int) -> dict[str, Any] | None:
    """The payload of a valid, unexpired token, or None."""
    try:
        payload = URLSafeTimedSerializer(secret_key, salt=purpose).loads(token, max_age=max_age)
    except BadSignature:
        return None
    return payload if isinstance(payload, dict) else None


def still_valid_for(payload: dict[str, Any], user: User | None) -> bool:
    """True when the token was made for this user in its current state (not yet used)."""
    return (
        user is not None and payload.get("u") == user.id and payload.get("f") == _fingerprint(user)
    )
