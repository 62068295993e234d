"""`flask circles serve`: the web server and the reminder worker together, for one machine."""

from __future__ import annotations

import os
import sys

import click
from flask.cli import ScriptInfo

from circles.commands import circles_cli
from circles.links import served_url


@circles_cli.command("serve")
@click.option("--host", default="127.0.0.1", envvar="HOST", show_default=True)
@click.option("--port", type=int, default=5000, envvar="PORT", show_default=True)
@click.option("--workers", type=int, default=None, help="Web processes (default: from the cores).")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, workers: int | None) -> None:
    """Serve the app with gunicorn (waitress on Windows) and run the reminder worker beside it.

    Ctrl-C or SIGTERM stops both. On several machines start web nodes and workers separately.
    """
    from circles.supervisor import Child, Supervisor

    import_path = ctx.find_object(ScriptInfo).app_import_path or "app"  # type: ignore[union-attr]
    web = [sys.executable, "-m", "circles.webserver", "--app", import_path]
    web += ["--bind", f"{host}:{port}"]
    if workers:
        web += ["--workers", str(workers)]
    worker = [sys.executable, "-m", "flask", "--app", import_path, "circles", "worker"]
    url = served_url(host, port)
    os.environ["SERVED_URL"] = url  # the children's emailed links, when PUBLIC_URL is unset
    supervisor = Supervisor(
        [Child("web server", web), Child("reminder worker", worker)],
        ready_url=url + "/offline",
        announce=lambda line: click.echo(line, err=False),
        ready_message=f"Circles ready at {url}",
    )
    ctx.exit(supervisor.run())
