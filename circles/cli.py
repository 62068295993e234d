"""`flask circles ...` commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

circles_cli = AppGroup("circles", help="Circles maintenance and background work.")


def init_app(app: Flask) -> None:
    app.cli.add_command(circles_cli)


@circles_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.password_option()
@click.option("--time-zone", default="UTC")
def create_user(email: str, display_name: str, password: str, time_zone: str) -> None:
    """Create a confirmed account (for operators and demos)."""
    from flask import current_app

    from circles.database import write_intent
    from circles.extensions import db
    from circles.services.accounts import operations as accounts

    with write_intent():
        result = accounts.sign_up(
            db.session,
            current_app.extensions["circles_passwords"],
            email=email,
            display_name=display_name,
            password=password,
            time_zone=time_zone,
        )
        accounts.confirm_email(db.session, result.user)
        db.session.commit()
    click.echo(f"User {result.user.id} ready.")


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


@circles_cli.command("dispatch")
def dispatch_command() -> None:
    """One pass: plan due reminders into the outbox and deliver them (for cron or a timer)."""
    from flask import current_app

    from circles.worker import dispatch

    tally = dispatch(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo(
        f"delivered {tally.delivered}, retrying {tally.retried}, failed {tally.failed}, "
        f"in-app only {tally.skipped}"
    )


@circles_cli.command("worker")
@click.option("--interval", type=float, default=None, help="Seconds between passes.")
def worker_command(interval: float | None) -> None:
    """Run passes in a loop until SIGTERM or Ctrl-C; safe to run several on PostgreSQL."""
    import threading

    from flask import current_app

    from circles.worker import run, stop_on_signals

    stop = threading.Event()
    stop_on_signals(stop)
    click.echo("worker ready: SIGTERM or Ctrl-C stops it after the pass in flight", err=True)
    run(current_app._get_current_object(), stop, interval)  # type: ignore[attr-defined]


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
