"""Who is logged in: session versions, idle expiry, remember me, and write intent per request."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, request, session
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie

from circles.caching import is_public_request, remember_logged_in
from circles.database import set_write_intent
from circles.extensions import db, login_manager
from circles.models.base import utcnow
from circles.models.user import User
from circles.services.reminders import inbox

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SEEN_EVERY = 60  # seconds: how often a request renews the session's "last seen" time


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user named by a session or remember cookie, if its session version is still current."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    # With the bell's count in the same query: every page shows it (templating.unread_count).
    user, unread = inbox.user_with_unread(db.session, int(user_id), utcnow())
    if user is not None:
        g.unread_notifications = (user.id, unread)
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def start_session(user: User, remember: bool) -> None:
    """Log the user in on this browser."""
    session.clear()  # a fresh session: nothing from before login carries over
    login_user(user, remember=remember)
    session["remembered"] = remember
    session["seen"] = datetime.now(UTC).timestamp()


def end_session() -> None:
    """Log out of this browser (the caller bumps the session version to end copies too)."""
    session.clear()
    # After the clear: logout_user() leaves the note that makes Flask-Login delete the
    # remember cookie on this response.
    logout_user()


def _mark_remembered(_app: Any, user: User) -> None:
    session["remembered"] = True


def _enforce_idle_limit(app: Flask) -> None:
    if not current_user.is_authenticated:
        return
    now = datetime.now(UTC).timestamp()
    seen = session.get("seen", now)
    idle_limit = app.config["SESSION_IDLE_LIMIT"].total_seconds()
    if not session.get("remembered") and now - seen > idle_limit:
        end_session()
        return
    if now - seen >= SEEN_EVERY or "seen" not in session:
        # Noted once a minute, not on every request: a changed session is a new cookie (about
        # 400 bytes) on the response and a signature to compute; against a 12-hour idle limit a
        # minute is nothing.
        session["seen"] = now


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    user_loaded_from_cookie.connect(_mark_remembered, app)

    @app.before_request
    def _before() -> None:
        set_write_intent(request.method not in SAFE_METHODS)
        if is_public_request():
            return  # public files and the offline pages never read the session
        remember_logged_in()
        _enforce_idle_limit(app)

    @app.teardown_request
    def _after(_exc: BaseException | None) -> None:
        set_write_intent(False)
