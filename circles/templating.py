"""What every template can use."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Flask, request
from flask_login import current_user

from circles.charts import arc_geometry
from circles.timezones import local, zone_names
from circles.views.notifications import unread_count


def _viewer_zone() -> str:
    return str(current_user.time_zone) if current_user.is_authenticated else "UTC"


def format_when(moment: datetime | None, pattern: str = "%a %-d %b, %H:%M", zone: str = "") -> str:
    """A datetime in the viewer's zone (or the one given), for people to read."""
    if moment is None:
        return ""
    return local(moment, zone or _viewer_zone()).strftime(pattern)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["when"] = format_when
    app.jinja_env.globals["arc_geometry"] = arc_geometry
    app.jinja_env.globals["timedelta"] = timedelta
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "crisis_line": app.config["CRISIS_LINE_TEXT"],
            "nav_section": (request.blueprint or "") if request else "",
            "nav_endpoints": app.view_functions.keys(),
            "zone_names": zone_names,
            "unread_notifications": unread_count,
        }
