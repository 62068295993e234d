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


def put(
    session: DbSession,
    find: Callable[[], Row | None],
    new: Callable[[], Row],
    update: Callable[[Row], None],
) -> Row:
    """One row per key: update the one found, or add a new one (a racing insert is updated)."""
    existing = find()
    if existing is None:
        made = new()
        existing = add_once(session, made, find)
        if existing is made:
            return made
    update(existing)
    session.flush()
    return existing
