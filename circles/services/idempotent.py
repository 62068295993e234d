"""Inserting a row that a double tap may insert at the same moment."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

from circles.models.base import DbSession

Row = TypeVar("Row")


def add_once(session: DbSession, new: Row, find: Callable[[], Row | None]) -> Row:
    """Insert `new`, or return the row a concurrent request stored first (unique constraint)."""
    try:
        with session.begin_nested():
            session.add(new)
    except sa.exc.IntegrityError:
        existing = find()
        if existing is None:
            raise
        return existing
    return new
