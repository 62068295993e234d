"""Counting the SQL statements a piece of work sends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa


@contextmanager
def count_queries(engine: sa.Engine) -> Iterator[list[str]]:
    """Collect every statement executed on the engine inside the block."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


@contextmanager
def count_rows() -> Iterator[list[int]]:
    """Count the rows SQLAlchemy fetches from any cursor inside the block (one number per fetch).

    Wraps the result fetch strategies for the block, so it sees plain and ORM queries alike.
    """
    from sqlalchemy.engine import cursor

    fetched: list[int] = []
    classes = (
        cursor.CursorFetchStrategy,
        cursor.BufferedRowCursorFetchStrategy,
        cursor.FullyBufferedCursorFetchStrategy,
    )
    saved = [(cls, name, cls.__dict__[name]) for cls in classes for name in _FETCHES]

    def counting(method: Any) -> Any:
        def fetch(self: Any, *args: Any, **kwargs: Any) -> Any:
            found = method(self, *args, **kwargs)
            if found is not None:
                fetched.append(len(found) if isinstance(found, list) else 1)
            return found

        return fetch

    for cls, name, method in saved:
        setattr(cls, name, counting(method))
    try:
        yield fetched
    finally:
        for cls, name, method in saved:
            setattr(cls, name, method)


_FETCHES = ("fetchone", "fetchmany", "fetchall")
