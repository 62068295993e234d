"""Circles: peer support circles for leaders."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from circles import config as settings
from circles import links, logs, production_checks
from circles.extensions import compress, csrf, db, limiter, login_manager, migrate
from circles.requests import CirclesRequest

ROOT = Path(__file__).resolve().parent.parent
ROOT_MIGRATIONS = ROOT / "migrations"
# Commands an operator runs to fix unsafe settings: production must still load for them.
OPERATOR_COMMANDS = frozenset({"check-config", "vapid-keys"})


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, commands and error pages."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.request_class = CirclesRequest
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(settings.from_environment(Path(app.instance_path)))
    if config:
        app.config.from_mapping(config)
    logs.configure(app.config["LOG_FORMAT"])
    if app.config["CIRCLES_ENV"] == "production" and not _running_operator_command():
        failed = production_checks.refusals(app.config)
        if failed:
            raise production_checks.UnsafeSettings(failed)
    if not app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = links.trusted_hosts(app.config)
    hops = int(app.config["PROXY_HOPS"])
    if hops > 0:  # without a proxy in front, X-Forwarded-* is whatever the client made up
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    _init_extensions(app)

    from circles import assets, caching, commands, errors, routing, security, sessions, templating
    from circles.views import register_blueprints

    logs.init_app(app)
    routing.init_app(app)
    sessions.init_app(app)
    security.init_app(app)
    caching.init_app(app)
    assets.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    register_blueprints(app)
    commands.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from circles import assets
    from circles.database import configure_engine
    from circles.push.vapid import check_pair, load_or_create
    from circles.services.accounts.passwords import Passwords

    # First, so its after_request runs last: it compresses the finished response.
    assets.configure_compression(app)
    compress.init_app(app)
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(ROOT_MIGRATIONS))
    csrf.init_app(app)
    limiter.init_app(app)
    # current_user reaches templates lazily (circles.templating), so a page that never
    # mentions it never reads the session.
    login_manager.init_app(app, add_context_processor=False)
    given = {name: app.config[name] for name in ("VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY")}
    keys = load_or_create(Path(app.instance_path), given)
    check_pair(keys)  # refuse to start with a private and public key that don't belong together
    app.extensions["circles_vapid"] = keys
    app.extensions["circles_passwords"] = Passwords(
        time_cost=app.config["ARGON2_TIME_COST"], memory_cost=app.config["ARGON2_MEMORY_COST"]
    )


def _running_operator_command() -> bool:
    """True for `flask circles check-config` and `flask circles vapid-keys`."""
    args = sys.argv[1:]
    if "circles" not in args:
        return False
    following = args[args.index("circles") + 1 :]
    return bool(following) and following[0] in OPERATOR_COMMANDS
