"""Whether the database's schema is at the newest migration."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory


@lru_cache(maxsize=4)
def _heads(directory: str) -> frozenset[str]:
    # The migration files don't change while the process runs: read them once.
    return frozenset(ScriptDirectory(directory).get_heads())


def migrations_current(connection: sa.Connection, directory: Path) -> bool:
    """True when the database is stamped with exactly the newest revision(s)."""
    current = set(MigrationContext.configure(connection).get_current_heads())
    return current == _heads(str(directory))
