"""Per-connection settings: SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE for writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa

# Set for requests and commands that write, so SQLite takes its write lock at BEGIN
# and concurrent writers queue on busy_timeout instead of failing mid-transaction.
_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


def configure_engine(engine: sa.Engine, busy_timeout_ms: int) -> None:
    """Install the SQLite connection hooks; other databases need none."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def set_write_intent(writing: bool) -> None:
    """Mark the current request or command as writing (or not)."""
    _write_intent.set(writing)


@contextmanager
def write_intent() -> Iterator[None]:
    """Within this block, new transactions take the write lock at BEGIN (SQLite)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)
