"""The installable-app pieces: manifest, service worker, offline page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, render_template, url_for

from circles.timezones import zone_names

bp = Blueprint("pwa", __name__)


@bp.get("/manifest.webmanifest")
def manifest() -> Any:
    icons = [
        {
            "src": url_for("static", filename=f"icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any maskable",
        }
        for size in (192, 512)
    ]
    shortcuts = []
    if "load.log" in current_app.view_functions:
        shortcuts.append({"name": "Log a 1:1", "url": url_for("load.log"), "icons": [icons[0]]})
    body = {
        "name": "Circles",
        "short_name": "Circles",
        "description": "A small circle of peers for leaders who carry other people's hard days.",
        "id": "/",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f4ef",
        "theme_color": "#2f6f6a",
        "icons": icons,
        "shortcuts": shortcuts,
    }
    return current_app.response_class(
        current_app.json.dumps(body), mimetype="application/manifest+json"
    )


@bp.get("/sw.js")
def service_worker() -> Any:
    script = Path(current_app.static_folder or "static", "sw.js").read_text()
    response = current_app.response_class(script, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/zones.json")
def zones() -> Any:
    """Every IANA zone name, for the time zone suggestions (cached for a day)."""
    response = current_app.response_class(
        current_app.json.dumps(list(zone_names())), mimetype="application/json"
    )
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/offline")
def offline() -> str:
    return render_template("offline.html")
