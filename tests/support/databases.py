"""Throwaway databases of the same kind as the one the suite runs on."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa


@contextmanager
def fresh_database(base_url: str, folder: Path) -> Iterator[str]:
    """An empty database beside the test one: a SQLite file, or a new PostgreSQL database."""
    url = sa.make_url(base_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{folder / 'fresh.sqlite3'}"
        return
    name = f"circles_fresh_{secrets.token_hex(4)}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
