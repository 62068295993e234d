"""`flask circles check-config` and `flask circles vapid-keys`: for whoever deploys Circles."""

from __future__ import annotations

import click
from flask import current_app

from circles import production_checks
from circles.commands import circles_cli


@circles_cli.command("check-config")
def check_config_command() -> None:
    """Print the checks production makes at start; exit 1 if any would refuse."""
    checks = production_checks.run(current_app.config)
    for check in checks:
        mark = "ok     " if check.ok else "REFUSED"
        click.echo(f"{mark} {check.setting}: {check.message}")
    failed = sum(not check.ok for check in checks)
    if failed:
        click.echo(f"{failed} setting(s) to fix before production will start.", err=True)
        raise SystemExit(1)
    click.echo("Production would start with these settings.")


@circles_cli.command("vapid-keys")
def vapid_keys_command() -> None:
    """Print a fresh VAPID key pair as two lines for the environment file."""
    from circles.push import vapid

    keys = vapid.generate()
    private_key = vapid.parse_private_key(keys.private_pem.decode("ascii"))
    raw = private_key.private_numbers().private_value.to_bytes(32, "big")
    click.echo(f"VAPID_PRIVATE_KEY={vapid.b64url_encode(raw)}")
    click.echo(f"VAPID_PUBLIC_KEY={keys.application_server_key}")
