"""`flask circles` commands for the data to start with: the prompt library and a demo circle."""

from __future__ import annotations

import click

from circles.commands import circles_cli


@circles_cli.command("seed-library")
def seed_library() -> None:
    """Load the built-in prompt library into the database (safe to run again)."""
    from circles.database import write_intent
    from circles.extensions import db
    from circles.services.prompts.deck import sync_library

    with write_intent():
        added = sync_library(db.session)
        db.session.commit()
    click.echo(f"Prompt library ready ({added} new).")


@circles_cli.command("seed-demo")
def seed_demo() -> None:
    """A demo circle with five people, meetups, prompts and a load history."""
    from flask import current_app

    from circles.database import write_intent
    from circles.demo import PASSWORD, PEOPLE, seed
    from circles.extensions import db
    from circles.models.base import utcnow

    with write_intent():
        made = seed(db.session, current_app.extensions["circles_passwords"], utcnow())
        db.session.commit()
    state = "ready" if made else "already there"
    click.echo(f"Demo circle {state}. Log in as {PEOPLE[0][0]} with the password {PASSWORD!r}.")
