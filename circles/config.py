"""Settings from the environment. Imports nothing from circles."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path, production: bool) -> str:
    """SECRET_KEY from the environment; in development, generated once into instance/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if production:
        return ""  # production_checks refuses to start without it, naming the fix
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres://"):  # Heroku-style URLs name no driver
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url or f"sqlite:///{instance_path / 'circles.sqlite3'}"


def _hosts(name: str) -> list[str]:
    return [h.strip() for h in os.environ.get(name, "").split(",") if h.strip()]


def from_environment(instance_path: Path) -> dict[str, Any]:
    """Every setting the app reads, with its default. The README documents each."""
    production = os.environ.get("CIRCLES_ENV", "development") == "production"
    database_url = _database_url(instance_path)
    # hide_parameters: an error never writes what a user typed (a note, a prompt) into the logs.
    engine_options: dict[str, Any] = {"hide_parameters": True}
    if database_url.startswith("postgresql"):
        # A server connection can drop between requests (restart, failover): test it on checkout.
        engine_options |= {
            "pool_pre_ping": True,
            "pool_size": 5,
            "max_overflow": 10,
            "pool_recycle": 1800,
        }
    return {
        "CIRCLES_ENV": "production" if production else "development",
        "SECRET_KEY": _secret_key(instance_path, production),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "SQLITE_BUSY_TIMEOUT_MS": int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "10000")),
        # A browser-session cookie that also ends after 12 idle hours; remember me lasts 30 days.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "SESSION_IDLE_LIMIT": timedelta(hours=12),
        "WTF_CSRF_TIME_LIMIT": 3600 * 4,
        # Every form and JSON body is small; anything bigger gets a 413 before it is read.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(64 * 1024))),
        "PASSWORD_RESET_MAX_AGE": 3600,
        "EMAIL_CONFIRM_MAX_AGE": 3600 * 24,
        "ARGON2_TIME_COST": int(os.environ.get("ARGON2_TIME_COST", "3")),
        "ARGON2_MEMORY_COST": int(os.environ.get("ARGON2_MEMORY_COST", "65536")),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "AUTH_RATE_LIMIT": os.environ.get("AUTH_RATE_LIMIT", "10 per minute;60 per hour"),
        # Per account (whatever the client address) on login and password reset.
        "ACCOUNT_RATE_LIMIT": os.environ.get("ACCOUNT_RATE_LIMIT", "5 per minute;30 per hour"),
        # Web worker processes, as circles.webserver counts them: two per core plus one.
        "WEB_CONCURRENCY": int(
            os.environ.get("WEB_CONCURRENCY", "").strip() or 2 * (os.cpu_count() or 1) + 1
        ),
        # How many proxies in front set X-Forwarded-For/-Proto; 0 ignores those headers.
        "PROXY_HOPS": int(os.environ.get("PROXY_HOPS", "0")),
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "text"),
        # "smtp" or "console"; unset means SMTP when MAIL_SERVER is set, else the console.
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", ""),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Circles <no-reply@circles.invalid>"),
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", ""),
        # Set by `circles serve` for its children: development links follow its --host and --port.
        "SERVED_URL": os.environ.get("SERVED_URL", ""),
        # Hosts besides PUBLIC_URL's that requests may name (a health probe on localhost).
        "EXTRA_TRUSTED_HOSTS": _hosts("EXTRA_TRUSTED_HOSTS"),
        # Web Push: the contact push services see, the hosts endpoints may be on, and (for
        # development and tests only) plain-http endpoints on this machine.
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", "mailto:admin@circles.invalid"),
        "VAPID_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY", ""),
        "VAPID_PUBLIC_KEY": os.environ.get("VAPID_PUBLIC_KEY", ""),
        "PUSH_ALLOWED_HOSTS": _hosts("PUSH_ALLOWED_HOSTS"),
        "PUSH_ALLOW_HTTP_LOCALHOST": _flag("PUSH_ALLOW_HTTP_LOCALHOST", not production),
        "PUSH_CONNECT_TIMEOUT": float(os.environ.get("PUSH_CONNECT_TIMEOUT", "3.05")),
        "PUSH_READ_TIMEOUT": float(os.environ.get("PUSH_READ_TIMEOUT", "10")),
        # Notifications a worker POSTs at once (threads sharing the sender's connections).
        "PUSH_CONCURRENCY": int(os.environ.get("PUSH_CONCURRENCY", "8")),
        "WORKER_INTERVAL_SECONDS": float(os.environ.get("WORKER_INTERVAL_SECONDS", "30")),
        # /readyz fails when no worker pass finished within this many seconds.
        "WORKER_STALE_SECONDS": float(os.environ.get("WORKER_STALE_SECONDS", "300")),
        "CRISIS_LINE_TEXT": os.environ.get(
            "CRISIS_LINE_TEXT",
            "If it is more than a heavy week, or anyone is in danger, contact your local "
            "emergency services or a crisis line.",
        ),
    }
