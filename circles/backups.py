"""Back up and restore the database: SQLite's online backup API, pg_dump/pg_restore for PostgreSQL.

Imports nothing from Flask: each function takes the SQLAlchemy URL and a file path. A backup is
written beside its target under a temporary name, readable by its owner only (it holds everyone's
data), and moved into place once complete.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import sqlalchemy as sa


class BackupError(Exception):
    """A backup or restore that could not be done, with a message for the operator."""


def backup(database_url: str, target: Path) -> None:
    """Write a consistent copy of the whole database to `target` while the app keeps running."""
    url = sa.make_url(database_url)
    with _private_file(target) as partial:
        if url.get_backend_name() == "sqlite":
            with closing(_sqlite(url)) as source, closing(sqlite3.connect(partial)) as copy:
                source.backup(copy)
        else:
            dump = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
            _run([*dump, f"--file={partial}"], url)


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with the backup in `source` (every table, every row)."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as saved:
            _check_sqlite(saved, source)
            with closing(_sqlite(url)) as live:
                saved.backup(live)
    else:
        replace = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges"]
        replace += ["--single-transaction", "--exit-on-error", f"--dbname={url.database}"]
        _run([*replace, str(source)], url)


def _sqlite(url: sa.URL) -> sqlite3.Connection:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return sqlite3.connect(url.database, timeout=30)


def _check_sqlite(connection: sqlite3.Connection, path: Path) -> None:
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite backup") from error


def _run(argv: list[str], url: sa.URL) -> None:
    """Run a PostgreSQL client tool; the connection travels in PG* variables, not argv."""
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} is not installed (Debian: apt-get install postgresql-client)")
    env = dict(os.environ)
    for name, value in {
        "PGHOST": url.host,
        "PGPORT": url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }.items():
        if value is not None:
            env[name] = str(value)
    result = subprocess.run(  # noqa: S603 (fixed tool names, no shell)
        argv, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {result.stderr.strip()}")


@contextmanager
def _private_file(target: Path) -> Iterator[Path]:
    """A 0600 file beside `target`, moved onto it only when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        yield partial
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
