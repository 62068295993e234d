"""Finding an account by its email, which compares case-insensitively."""

from __future__ import annotations

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.user import User


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively: store and look them up lower-cased."""
    return email.strip().lower()


def find_by_email(session: DbSession, email: str) -> User | None:
    """The account with this email, whatever its case."""
    return session.scalar(sa.select(User).where(User.email == normalize_email(email)))
