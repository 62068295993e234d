"""Rate-limit keys and limits for login and password reset: per address, and per account."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from flask_limiter.util import get_remote_address

from circles.services.accounts.lookup import normalize_email


def auth_limit() -> str:
    """Tries per client address (AUTH_RATE_LIMIT)."""
    return str(current_app.config["AUTH_RATE_LIMIT"])


def account_limit() -> str:
    """Tries per account, from however many addresses (ACCOUNT_RATE_LIMIT)."""
    return str(current_app.config["ACCOUNT_RATE_LIMIT"])


def account_key() -> str:
    """An HMAC of the normalised email posted: the limit's storage never holds the address."""
    email = normalize_email(request.form.get("email", ""))
    if not email:
        return f"address:{get_remote_address()}"  # nothing to count against an account
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return "account:" + hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()[:32]
