"""`flask circles` commands for accounts made by operators."""

from __future__ import annotations

import click

from circles.commands import circles_cli


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
