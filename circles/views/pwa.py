"""The installable-app pieces: manifest, service worker, and the offline pages it keeps."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, render_template, url_for

from circles.forms.load import INTENSITY_WORDS
from circles.timezones import zone_names

bp = Blueprint("pwa", __name__)

# Static files the service worker keeps for offline use, besides every script module.
PRECACHED_FILES = ("app.css", "icons/sprite.svg", "icons/icon.svg", "icons/icon-192.png")


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


def _script_modules(app: Flask) -> list[str]:
    folder = Path(app.static_folder or "static")
    return sorted(path.relative_to(folder).as_posix() for path in (folder / "js").glob("*.js"))


def _worker_settings(app: Flask) -> dict[str, Any]:
    """What the service worker precaches, and a cache name that changes with any of it.

    Worked out once per process: the offline pages and the static files only change by deploy.
    """
    if "circles_service_worker" not in app.extensions:
        modules = _script_modules(app)
        static = [url_for("static", filename=name) for name in (*PRECACHED_FILES, *modules)]
        pages = [url_for("pwa.offline"), url_for("pwa.offline_log")]
        digest = hashlib.sha256("\n".join(static).encode())
        digest.update(_offline_page().encode())
        digest.update(_offline_log_page().encode())
        app.extensions["circles_service_worker"] = {
            "cache": "circles-" + digest.hexdigest()[:16],
            "precache": [*pages, *static],
            "offline": pages[0],
            "offline_log": pages[1],
            "log": url_for("load.log"),
        }
    settings: dict[str, Any] = app.extensions["circles_service_worker"]
    return settings


@bp.get("/sw.js")
def service_worker() -> Any:
    script = render_template("sw.js", **_worker_settings(current_app))
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


def _offline_page() -> str:
    # `shell`: rendered without the session, so it holds nobody's id, token or count.
    return render_template("offline.html", offline_shell=True, nav_section="")


def _offline_log_page() -> str:
    return render_template(
        "offline_log.html", offline_shell=True, nav_section="load", words=INTENSITY_WORDS
    )


@bp.get("/offline")
def offline() -> str:
    """What the installed app shows for a page it cannot reach."""
    return _offline_page()


@bp.get("/offline/log")
def offline_log() -> str:
    """The log page as the installed app keeps it: entries wait on the phone until online."""
    return _offline_log_page()
