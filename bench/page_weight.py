"""Page weight of Today on a phone: bytes on the wire for a first visit and a repeat visit.

Run: .venv/bin/python bench/page_weight.py (SQLite in a temp folder, headless Chromium)

A logged-in person opens Today in a fresh browser (first visit: the page, its stylesheet, scripts
and icons, the manifest and the service worker, which then keeps the offline pages and files),
then opens Today again (repeat visit). Bytes are the server's count of what it sent (status line,
headers and body, after compression); answers from the browser's cache or from the service
worker cost nothing. The visits are made twice, against the app with compression (Flask-Compress,
as shipped) and with compression turned off, so its saving is a ratio from the same run.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from circles import create_app
from circles.extensions import db
from circles.models import Base, User
from circles.models.base import utcnow
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.conftest import PASSWORD
from tests.support.mailbox import free_port


@dataclass
class Visit:
    """What one page load moved over the network (the server's count of what it sent)."""

    requests: int = 0
    bytes: int = 0
    by_url: dict[str, int] = field(default_factory=dict)
    encodings: set[str] = field(default_factory=set)


class Counter:
    """WSGI middleware: adds each response's status line, headers and body to the open visit."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.visit = Visit()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        url = environ.get("PATH_INFO", "") + (
            "?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else ""
        )
        sizes = {"head": 0}

        def counting_start(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            sizes["head"] = len(status) + 11 + sum(len(k) + len(v) + 4 for k, v in headers)
            for key, value in headers:
                if key.lower() == "content-encoding":
                    self.visit.encodings.add(value)
            return start_response(status, headers, *rest)

        body = b"".join(self.app(environ, counting_start))
        total = sizes["head"] + len(body)
        self.visit.requests += 1
        self.visit.bytes += total
        self.visit.by_url[url] = self.visit.by_url.get(url, 0) + total
        return [body]


@contextmanager
def served(compress: bool) -> Iterator[tuple[str, Counter]]:
    """The app on a free port, on a fresh SQLite database, with one person to log in as."""
    folder = tempfile.mkdtemp(prefix="circles-weight-")
    port = free_port()
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/weight.sqlite3",
            "RATELIMIT_ENABLED": False,
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "SERVER_NAME": f"127.0.0.1:{port}",
        }
        | ({} if compress else {"COMPRESS_MIMETYPES": []})
    )
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with app.app_context():
        Base.metadata.create_all(db.engine)
        passwords = app.extensions["circles_passwords"]
        db.session.add(
            User(
                email="jo@bench.test",
                display_name="Jo",
                password_hash=passwords.hash(PASSWORD),
                time_zone="Europe/London",
                email_confirmed_at=utcnow(),
            )
        )
        db.session.commit()
    counter = Counter(app.wsgi_app)
    app.wsgi_app = counter  # type: ignore[method-assign]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", counter
    finally:
        server.shutdown()
        thread.join(timeout=5)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until(check: Any, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not settle")
        time.sleep(0.05)


def _log_in(context: Any) -> None:
    """Log in through HTTP only, so the browser has fetched none of the page's files yet."""
    form = context.request.get("/login").text()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    assert token, "the login form carries a CSRF token"
    answer = context.request.post(
        "/login",
        form={"email": "jo@bench.test", "password": PASSWORD, "csrf_token": token.group(1)},
        max_redirects=0,
    )
    assert answer.status == 302, answer.status


def measure(browser: Any, compress: bool) -> tuple[Visit, Visit]:
    """First and repeat visit of Today, in one fresh browser context."""
    with served(compress) as (base, counter):
        return _visits(browser, base, counter)


def _visits(browser: Any, base: str, counter: Counter) -> tuple[Visit, Visit]:
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, base_url=base, service_workers="allow"
    )
    _log_in(context)
    page = context.new_page()
    visits = []
    for _ in range(2):
        counter.visit = Visit()
        page.goto("/", wait_until="networkidle")
        # The first visit installs the service worker, which then keeps its files: count those.
        _wait_until(lambda: page.evaluate("Boolean(navigator.serviceWorker.controller)"))
        page.wait_for_load_state("networkidle")
        visits.append(counter.visit)
    context.close()
    return visits[0], visits[1]


def report(name: str, first: Visit, repeat: Visit) -> str:
    top = sorted(first.by_url.items(), key=lambda item: -item[1])[:4]
    return (
        f"{name}: first visit {first.bytes / 1024:.1f} KiB in {first.requests} requests, "
        f"repeat visit {repeat.bytes / 1024:.1f} KiB in {repeat.requests} requests "
        f"(encodings sent: {', '.join(sorted(first.encodings)) or 'none'}); "
        f"largest first: {', '.join(f'{u} {b / 1024:.1f} KiB' for u, b in top)}; "
        f"repeat: {', '.join(f'{u} {b / 1024:.1f} KiB' for u, b in sorted(repeat.by_url.items()))}"
    )


def main() -> None:
    chromium = os.environ.get("CHROMIUM_PATH") or CHROMIUM
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        compressed = measure(browser, compress=True)
        plain = measure(browser, compress=False)
        browser.close()
    print(report("with compression", *compressed))
    print(report("without compression", *plain))
    print(
        f"compression saves {1 - compressed[0].bytes / plain[0].bytes:.0%} of the first visit; "
        f"the repeat visit is {compressed[1].bytes / compressed[0].bytes:.0%} of the first"
    )


if __name__ == "__main__":
    main()
