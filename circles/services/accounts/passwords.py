"""Pure (no database): password hashing (argon2id) and the strength rule."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 8
MAX_LENGTH = 256
MIN_SCORE = 2  # zxcvbn: 0-1 are guessable within minutes to hours (common words, sequences)


class Passwords:
    """argon2id hashing; a dummy verify makes an unknown email cost what a wrong password does."""

    def __init__(self, time_cost: int = 3, memory_cost: int = 65536) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)
        self._dummy_hash = self._hasher.hash("not a real password, only for timing")

    def hash(self, password: str) -> str:
        """An argon2id hash of the password."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True when the password matches; with no hash, spends the same time and says no."""
        try:
            return self._hasher.verify(password_hash or self._dummy_hash, password) and bool(
                password_hash
            )
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with weaker settings than today's."""
        return self._hasher.check_needs_rehash(password_hash)


def weakness(password: str, related: list[str] | None = None) -> str | None:
    """Why a password is too weak to use, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    # zxcvbn refuses more than 72 characters; a longer password is judged by its start.
    result = zxcvbn(password[:72], user_inputs=[r[:72] for r in related or [] if r])
    if result["score"] < MIN_SCORE:
        warning = result["feedback"].get("warning") or "This password is easy to guess."
        return f"{warning.rstrip('.')}. Try a few unrelated words together."
    return None
