"""The production WSGI server: gunicorn where it runs, waitress where it cannot (Windows).

`python -m circles.webserver --app app --bind 127.0.0.1:5000` serves the Flask app. The gunicorn
settings live here so that `flask circles serve` and `deploy/gunicorn.conf.py` share them.
"""

from __future__ import annotations

import argparse
import os
import signal
from types import FrameType
from typing import Any

from flask import Flask
from flask.cli import ScriptInfo

# The path without its query string: reset and invite tokens never reach the access log.
ACCESS_LOG_FORMAT = '%(h)s - - %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
TIMEOUT_SECONDS = 30
GRACEFUL_TIMEOUT_SECONDS = 30
KEEPALIVE_SECONDS = 5


def default_workers() -> int:
    """WEB_CONCURRENCY if set, else two per core plus one (gunicorn's own advice)."""
    configured = os.environ.get("WEB_CONCURRENCY", "").strip()
    if configured:
        return max(1, int(configured))
    return 2 * (os.cpu_count() or 1) + 1


def load_app(import_path: str) -> Flask:
    """The app as `flask --app` finds it (a module, `module:app` or `module:create_app()`)."""
    return ScriptInfo(app_import_path=import_path).load_app()


def dispose_pools(app: Flask) -> None:
    """Drop connections inherited from the master: a forked process must open its own."""
    from circles.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


def post_fork(server: Any, worker: Any) -> None:
    """gunicorn hook: with a preloaded app, each worker starts with empty database pools."""
    app = worker.app.wsgi()
    if isinstance(app, Flask):
        dispose_pools(app)


def gunicorn_settings(bind: str, workers: int | None = None) -> dict[str, Any]:
    """What `flask circles serve` runs gunicorn with: the deploy settings, logs on the console."""
    return {
        "bind": [bind],
        "workers": workers or default_workers(),
        "timeout": TIMEOUT_SECONDS,
        "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
        "keepalive": KEEPALIVE_SECONDS,
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "preload_app": True,
        "post_fork": post_fork,
        # gunicorn 24+ opens a control socket in ~/.gunicorn; two servers on one machine collide.
        "control_socket_disable": True,
    }


def serve_gunicorn(import_path: str, bind: str, workers: int | None) -> None:
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in gunicorn_settings(bind, workers).items():
                if key in self.cfg.settings:  # older gunicorns lack the newest settings
                    self.cfg.set(key, value)

        def load(self) -> Flask:
            return load_app(import_path)

    Application().run()


def serve_waitress(import_path: str, bind: str, threads: int | None) -> None:
    import waitress

    server = waitress.create_server(
        load_app(import_path), listen=bind, threads=threads or 8, ident="circles"
    )

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)  # waitress closes its sockets on SystemExit

    signal.signal(signal.SIGTERM, stop)
    print(f"waitress serving on http://{bind}", flush=True)
    server.run()


def gunicorn_available() -> bool:
    """gunicorn imports (and so runs) only where fork and fcntl exist."""
    try:
        import gunicorn.app.base  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve Circles with a production WSGI server.")
    parser.add_argument("--app", default="app", help="the app, as `flask --app` takes it")
    parser.add_argument("--bind", default="127.0.0.1:5000")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--server", choices=["auto", "gunicorn", "waitress"], default="auto")
    args = parser.parse_args(argv)
    server = args.server
    if server == "auto":
        server = "gunicorn" if gunicorn_available() else "waitress"
    if server == "gunicorn":
        serve_gunicorn(args.app, args.bind, args.workers)
    else:
        serve_waitress(args.app, args.bind, args.workers)


if __name__ == "__main__":
    main()
