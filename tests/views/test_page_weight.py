"""What a first and a repeat visit to Today cost on the wire, counted through the app.

A first visit fetches the page, every file it links (stylesheet, icons, the manifest, the one
script), the service worker and what the worker keeps for offline use. Files are counted as the
app sends them (brotli); pages as the deployment sends them (Caddy compresses everything,
deploy/circles-site.caddy; gzip here). Headers count too: they are sent with every
file. A repeat visit fetches the page alone: every file is cached for a year by its versioned URL.
bench/page_weight.py measures the same in Chromium through Caddy.
"""

from __future__ import annotations

import gzip
import json
import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from circles.extensions import db
from tests.conftest import PASSWORD, logged_in
from tests.support.volume import Volume, populate

FIRST_VISIT_BUDGET = 25_000  # bytes, the 25 KB (19,395 in 10 responses on 2026-12-06)
REPEAT_VISIT_BUDGET = 5 * 1024
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def _wire(response: TestResponse) -> int:
    """Bytes on the wire over HTTP/1.1: status line, headers, body as compressed in production."""
    body = response.get_data()
    if response.mimetype == "text/html":  # compressed by Caddy in front (gzip, its default level)
        body = gzip.compress(body, compresslevel=5)
    head = len(f"HTTP/1.1 {response.status}\r\n") + 2
    head += sum(len(name) + len(value) + 4 for name, value in response.headers.items())
    return head + len(body)


def _first_visit(client: FlaskClient) -> dict[str, int]:
    page = client.get("/", headers=BROWSER)
    html = page.get_data(as_text=True)
    assert "nudge-heading" in html  # the heavy week shows the nudge card
    urls = set(re.findall(r'(?:href|src)="(/static/[^"#]+)', html))
    urls.add("/manifest.webmanifest")
    worker = client.get("/sw.js", headers=BROWSER)
    found = re.search(r"const PRECACHE = (\[.*?\]);", client.get("/sw.js").get_data(as_text=True))
    assert found is not None
    urls |= set(json.loads(found.group(1)))
    sizes = {"/": _wire(page), "/sw.js": _wire(worker)}
    for url in sorted(urls):
        with client.get(url, headers=BROWSER) as answer:
            assert answer.status_code == 200, url
            sizes[url] = _wire(answer)
    return sizes


def test_a_first_visit_to_today_stays_in_its_budget_and_a_repeat_visit_is_the_page_alone(
    app: Flask,
) -> None:
    with app.app_context():
        passwords = app.extensions["circles_passwords"]
        built = populate(db.session, "jo", Volume(heavy_week=True), passwords.hash(PASSWORD))
        db.session.commit()
    client = logged_in(app, built)
    client.get("/")  # the first page after logging in also stores the session's CSRF token
    sizes = _first_visit(client)
    total = sum(sizes.values())
    assert total <= FIRST_VISIT_BUDGET, sorted(sizes.items(), key=lambda item: -item[1])
    repeat = _wire(client.get("/", headers=BROWSER))
    assert repeat <= REPEAT_VISIT_BUDGET, repeat


def test_versioned_files_carry_only_the_headers_a_file_needs(client: FlaskClient) -> None:
    page = client.get("/offline").get_data(as_text=True)
    stylesheet = re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', page)
    assert stylesheet is not None
    with client.get(stylesheet.group(1), headers=BROWSER) as answer:
        headers = answer.headers
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Encoding"] == "br"
    for document_only in ("Content-Security-Policy", "X-Frame-Options", "Set-Cookie", "ETag"):
        assert document_only not in headers
    assert "Content-Security-Policy" in client.get("/offline").headers
