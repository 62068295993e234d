"""`flask circles backup` and `restore`: back up, wipe, restore, and every row is back."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from circles.extensions import db
from circles.models import Base
from tests.support.requirements import missing


def _every_row(app: Flask) -> dict[str, list[Any]]:
    with app.app_context(), db.engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(table.select().order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def _needs_pg_tools(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        for tool in ("pg_dump", "pg_restore"):
            if shutil.which(tool) is None:
                missing(f"{tool} (apt-get install postgresql-client)")


def test_a_backup_brings_every_row_back_after_the_database_is_wiped(
    app: Flask, tmp_path: Path
) -> None:
    _needs_pg_tools(app)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["circles", "seed-demo"]).exit_code == 0
    before = _every_row(app)
    assert sum(len(rows) for rows in before.values()) > 20  # the demo fills many tables

    target = tmp_path / "nightly" / "circles.backup"
    made = runner.invoke(args=["circles", "backup", str(target)])
    assert made.exit_code == 0, made.output
    assert f"Backed up to {target}" in made.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # it holds everyone's data

    with app.app_context():
        db.session.remove()
        Base.metadata.drop_all(db.engine)
        db.engine.dispose()

    restored = runner.invoke(args=["circles", "restore", "--yes", str(target)])
    assert restored.exit_code == 0, restored.output
    assert _every_row(app) == before


def test_restore_asks_first_and_changes_nothing_when_told_no(app: Flask, tmp_path: Path) -> None:
    _needs_pg_tools(app)
    runner = app.test_cli_runner()
    target = tmp_path / "empty.backup"
    assert runner.invoke(args=["circles", "backup", str(target)]).exit_code == 0
    runner.invoke(args=["circles", "seed-demo"])
    before = _every_row(app)

    answer = runner.invoke(args=["circles", "restore", str(target)], input="n\n")
    assert answer.exit_code == 1
    assert "replaces every row" in answer.output
    assert _every_row(app) == before


def test_restoring_a_file_that_is_no_backup_says_so_and_keeps_the_data(
    app: Flask, tmp_path: Path
) -> None:
    _needs_pg_tools(app)
    runner = app.test_cli_runner()
    runner.invoke(args=["circles", "seed-demo"])
    before = _every_row(app)
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database\n" * 200)

    result = runner.invoke(args=["circles", "restore", "--yes", str(junk)])
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output
    assert _every_row(app) == before


def test_restoring_from_a_file_that_does_not_exist_is_refused(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(
        args=["circles", "restore", "--yes", str(tmp_path / "nowhere.backup")]
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.literal(1))) == 1  # the database is untouched
