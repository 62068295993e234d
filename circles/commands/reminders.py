"""`flask circles` commands for the reminder worker: one pass, or a loop."""

from __future__ import annotations

import click

from circles.commands import circles_cli


@circles_cli.command("dispatch")
def dispatch_command() -> None:
    """One pass: plan due reminders into the outbox and deliver them (for cron or a timer)."""
    from flask import current_app

    from circles.worker import dispatch

    tally = dispatch(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo(
        f"delivered {tally.delivered}, retrying {tally.retried}, failed {tally.failed}, "
        f"in-app only {tally.skipped}, emailed {tally.emailed}"
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
