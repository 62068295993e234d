"""Account actions: sign up, confirm, log in, change the profile or password, delete the account.

Each function is one thing a person does, with all it implies; it flushes, never commits.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import time

from circles.models.base import DbSession, utcnow
from circles.models.user import User
from circles.services.accounts.data import AccountError, erase_account
from circles.services.accounts.lookup import find_by_email, normalize_email
from circles.services.accounts.passwords import Passwords


class SignUp(enum.Enum):
    NEW = "new"  # a new, unconfirmed account: send a confirmation link
    EXISTING = "existing"  # the email has an account already: tell its owner, nobody else


@dataclass(frozen=True)
class SignUpResult:
    outcome: SignUp
    user: User


def sign_up(
    session: DbSession,
    passwords: Passwords,
    *,
    email: str,
    display_name: str,
    password: str,
    time_zone: str,
) -> SignUpResult:
    """Start an account; the caller answers the same way whatever the outcome."""
    password_hash = passwords.hash(password)  # hashed in every case: same cost, same timing
    user = find_by_email(session, email)
    if user is not None and user.email_confirmed_at is not None:
        return SignUpResult(SignUp.EXISTING, user)
    if user is not None:
        # Signing up again never changes an unconfirmed account: anyone can type an address, so
        # the first password stands until the inbox's owner confirms it or sets one by a reset.
        return SignUpResult(SignUp.NEW, user)
    user = User(email=normalize_email(email), password_hash=password_hash)
    user.display_name = display_name.strip()
    user.time_zone = time_zone
    session.add(user)
    session.flush()
    return SignUpResult(SignUp.NEW, user)


def confirm_email(session: DbSession, user: User) -> None:
    """Mark the address as confirmed, which activates the account."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        session.flush()


def authenticate(
    session: DbSession, passwords: Passwords, email: str, password: str
) -> User | None:
    """The confirmed account these credentials open, or None (same cost either way)."""
    user = find_by_email(session, email)
    ok = passwords.verify(user.password_hash if user else None, password)
    if not ok or user is None or user.email_confirmed_at is None:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
        session.flush()
    return user


def end_sessions(session: DbSession, user: User) -> None:
    """Invalidate every session and remember cookie the user has."""
    user.session_version += 1
    session.flush()


def set_password(session: DbSession, passwords: Passwords, user: User, password: str) -> None:
    """A new password, which also ends every other session."""
    user.password_hash = passwords.hash(password)
    end_sessions(session, user)


def reset_password(session: DbSession, passwords: Passwords, user: User, password: str) -> None:
    """A new password from an emailed link, which also proves the address: it confirms it."""
    set_password(session, passwords, user, password)
    confirm_email(session, user)


def update_profile(
    session: DbSession,
    user: User,
    *,
    display_name: str,
    time_zone: str,
    quiet_start: time | None,
    quiet_end: time | None,
) -> None:
    """Save name, zone and quiet hours (both ends or neither)."""
    if (quiet_start is None) != (quiet_end is None):
        raise ValueError("quiet hours need a start and an end")
    user.display_name = display_name.strip()
    user.time_zone = time_zone
    user.quiet_start, user.quiet_end = quiet_start, quiet_end
    session.flush()


def change_password(
    session: DbSession, passwords: Passwords, user: User, *, current: str, new: str
) -> None:
    """Change the password after checking the current one; every other session ends."""
    if not passwords.verify(user.password_hash, current):
        raise AccountError("That isn't your current password.", field="current")
    set_password(session, passwords, user, new)


def delete_account(session: DbSession, passwords: Passwords, user: User, password: str) -> None:
    """Delete the account once its password is given again (see `data.erase_account`)."""
    if not passwords.verify(user.password_hash, password):
        raise AccountError("That isn't your password.", field="password")
    erase_account(session, user)
