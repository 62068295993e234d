"""`flask circles backup PATH` and `flask circles restore PATH`, for SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from circles.commands import circles_cli


@circles_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent copy of the database to PATH (safe while the app runs)."""
    from circles.backups import BackupError, backup

    try:
        backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up to {path}")


@circles_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace everything in the database with the backup in PATH. Stop the app first."""
    from circles.backups import BackupError, restore
    from circles.extensions import db

    if not yes:
        click.confirm("This replaces every row in the database. Go on?", abort=True)
    db.session.remove()
    db.engine.dispose()  # no pooled connection holds a lock or a stale schema
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored from {path}")
