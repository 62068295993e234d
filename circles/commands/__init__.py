"""`flask circles ...` commands, one module per topic, each adding its commands to the group."""

from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

circles_cli = AppGroup("circles", help="Circles maintenance and background work.")


def init_app(app: Flask) -> None:
    # Importing a module registers its commands on the group.
    from circles.commands import (  # noqa: F401
        accounts,
        backups,
        deployment,
        library,
        reminders,
        serve,
    )

    app.cli.add_command(circles_cli)
