"""Static files with their content's hash in the URL, cached for a year by browsers.

Every `url_for("static", filename=...)` gains `?v=<hash of the file>`, so a deploy that changes a
file changes its URL, and a phone never keeps an old stylesheet or script. Hashes are worked out
once per process (a deploy restarts the processes).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request, url_for
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR}, immutable"


def _versions(app: Flask) -> dict[str, str]:
    versions: dict[str, str] = app.extensions.setdefault("circles_static_versions", {})
    return versions


def file_version(filename: str, app: Flask | None = None) -> str:
    """A short hash of a static file's bytes ("" when there is no such file)."""
    app = app or current_app
    versions = _versions(app)
    if filename not in versions:
        path = safe_join(app.static_folder or "static", filename)
        if path is None or not Path(path).is_file():
            return ""
        versions[filename] = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    return versions[filename]


def static_url(filename: str) -> str:
    """``url_for("static", filename=...)`` with its version, built once per process and mount point.

    Every page links the same few files (stylesheet, script, icons): building each URL again
    cost about a fifth of a light page.
    """
    urls: dict[tuple[str, str], str] = current_app.extensions.setdefault("circles_static_urls", {})
    key = (request.script_root, filename)
    url = urls.get(key)
    if url is None:
        url = urls[key] = url_for("static", filename=filename)
    return url


def _add_version(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint != "static" or "v" in values:
        return
    version = file_version(str(values.get("filename", "")))
    if version:
        values["v"] = version


def _cache_versioned(response: Response) -> Response:
    """A file asked for by its current version never changes: let browsers keep it."""
    if request.endpoint != "static" or response.status_code != 200:
        return response
    # Read the (small) file now: Flask-Compress then compresses bytes, and the file is closed
    # with the response rather than left to the garbage collector.
    response.direct_passthrough = False
    response.make_sequence()
    filename = str((request.view_args or {}).get("filename", ""))
    if request.args.get("v") and request.args.get("v") == file_version(filename):
        response.headers["Cache-Control"] = IMMUTABLE
        # Never asked for again, so nothing to revalidate or resume: each header here is sent
        # with every file of a first visit (about 15), for nothing.
        for name in ("Content-Disposition", "Last-Modified", "ETag", "Accept-Ranges"):
            response.headers.pop(name, None)
    return response


# Brotli or gzip for the shared files only. Pages are left as they are: they carry a CSRF token
# beside text a person typed, which compression would expose to a length attack (BREACH).
COMPRESSED_TYPES = [
    "text/css",
    "text/javascript",
    "application/javascript",
    "image/svg+xml",
    "application/manifest+json",
]


def configure_compression(app: Flask) -> None:
    """Flask-Compress settings (before Compress.init_app reads them)."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])


def init_app(app: Flask) -> None:
    app.jinja_env.globals["static_url"] = static_url
    app.url_defaults(_add_version)
    app.after_request(_cache_versioned)
