"""What every template can use."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from circles.charts import arc_geometry
from circles.extensions import db
from circles.models.base import utcnow
from circles.services.reminders import inbox
from circles.timezones import local


def unread_count() -> int:
    """How many reminders the current user hasn't opened (0 when logged out)."""
    if not current_user.is_authenticated:
        return 0
    loaded = g.get("unread_notifications")  # read with the user by load_user
    if loaded is not None and loaded[0] == current_user.id:
        return int(loaded[1])
    return inbox.unread_count(db.session, current_user.id, utcnow())


# Blueprints that live under a bottom tab other than their own name.
NAV_SECTIONS = {
    "hosting": "circles",
    "meetups": "circles",
    "meetup_notes": "circles",
    "prompts": "circles",
    "pulse": "circles",
    "checkins": "circles",
    "join": "circles",
}


def _viewer_zone() -> str:
    return str(current_user.time_zone) if current_user.is_authenticated else "UTC"


def format_when(moment: datetime | None, pattern: str = "%a %-d %b, %H:%M", zone: str = "") -> str:
    """A datetime in the viewer's zone (or the one given), for people to read."""
    if moment is None:
        return ""
    return local(moment, zone or _viewer_zone()).strftime(pattern)


def people_list(users: list[Any]) -> str:
    """Names for a sentence, with "You" for the viewer: "You, Sam and Alex"."""
    me = current_user.id if current_user.is_authenticated else None
    names = ["You" if u.id == me else str(u.display_name) for u in users]
    names.sort(key=lambda name: name != "You")
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def day_label(moment: datetime, zone: str = "") -> str:
    """ "Today", "Tomorrow" or "Friday 27 November", in the viewer's zone."""
    from circles.models.base import utcnow

    viewer = zone or _viewer_zone()
    day, today = local(moment, viewer).date(), local(utcnow(), viewer).date()
    if day == today:
        return "Today"
    if (day - today).days == 1:
        return "Tomorrow"
    return local(moment, viewer).strftime("%A %-d %B")


def csrf_field() -> Markup:
    """The form's CSRF token as a hidden input with no id (a page holds many forms)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return Markup("")  # as Flask-WTF's own field renders nothing when CSRF is off
    return Markup('<input name="csrf_token" type="hidden" value="{}">').format(generate_csrf())


def init_app(app: Flask) -> None:
    app.jinja_env.filters["when"] = format_when
    app.jinja_env.filters["day_label"] = day_label
    app.jinja_env.globals["people_list"] = people_list
    app.jinja_env.globals["csrf_field"] = csrf_field
    app.jinja_env.globals["arc_geometry"] = arc_geometry
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "current_user": current_user,  # the lazy proxy: loaded only if a page uses it
            "crisis_line": app.config["CRISIS_LINE_TEXT"],
            "nav_section": NAV_SECTIONS.get(request.blueprint or "", request.blueprint or "")
            if request
            else "",
            "nav_endpoints": app.view_functions.keys(),
            "unread_notifications": unread_count,
        }
