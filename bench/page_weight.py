"""Page weight of Today on a phone: bytes on the wire for a first and a repeat visit, and CLS.

Run: .venv/bin/python bench/page_weight.py (SQLite in a temp folder, headless Chromium; Caddy
for the deployed figures)

A logged-in person (3 circles of 8 with their meetups, half a year of 1:1s and a heavy week, so
Today shows the nudge card) opens Today in a fresh browser at 390 x 844 (first visit: the page,
its stylesheet, scripts and icons, the manifest and the service worker, which then keeps the
offline pages and files), then opens Today again (repeat visit). Answers from the browser's cache
or from the service worker cost nothing.

Three ways, in the same run: through Caddy with the deployed site settings
(deploy/circles-site.caddy, which compresses everything), counted by a TCP relay in front of it,
so the figure is what went over the wire (HTTP/1.1 over plain TCP here: production's HTTP/2
compresses the repeated headers further); then the app alone with its own compression
(Flask-Compress for files; pages as they are) and with compression turned off, counted by a WSGI
wrapper (status line, headers, body). Each visit also records its cumulative layout shift, summed
as Lighthouse does from the browser's layout-shift entries.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from circles import create_app  # noqa: E402
from circles.extensions import db  # noqa: E402
from circles.models import Base  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402
from tests.conftest import PASSWORD  # noqa: E402
from tests.support.layout_shift import LAYOUT_SHIFT_OBSERVER  # noqa: E402
from tests.support.mailbox import free_port  # noqa: E402
from tests.support.volume import Volume, populate  # noqa: E402


@dataclass
class Visit:
    """What one page load moved over the network (the server's count of what it sent)."""

    requests: int = 0
    bytes: int = 0
    by_url: dict[str, int] = field(default_factory=dict)
    encodings: set[str] = field(default_factory=set)
    layout_shift: float = 0.0  # cumulative, as Lighthouse counts it (no shifts after input)


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


class Relay:
    """A TCP relay in front of a server: counts the bytes the server sends, as on the wire."""

    def __init__(self, upstream: int, port: int) -> None:
        self.upstream = upstream
        self.port = port
        self.down = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream))
            threading.Thread(target=self._pipe, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, True), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket, counted: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if counted:
                    with self._lock:
                        self.down += len(chunk)
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._listener.close()


@contextmanager
def caddy_in_front(app_port: int, public_port: int) -> Iterator[None]:
    """Caddy with the deployed site settings (deploy/circles-site.caddy), plain HTTP."""
    folder = Path(tempfile.mkdtemp(prefix="circles-weight-caddy-"))
    config = folder / "Caddyfile"
    site = ROOT / "deploy" / "circles-site.caddy"
    config.write_text(
        "{\n\tadmin off\n\tauto_https off\n}\n"
        f"http://127.0.0.1:{public_port} {{\n\timport {site}\n}}\n"
    )
    env = dict(os.environ, CIRCLES_UPSTREAM=f"127.0.0.1:{app_port}")
    process = subprocess.Popen(
        ["caddy", "run", "--adapter", "caddyfile", "--config", str(config)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until(lambda: _answers(public_port), 30)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/offline", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


@contextmanager
def served(compress: bool, public_port: int | None = None) -> Iterator[tuple[str, Counter, int]]:
    """The app on a free port, on a fresh SQLite database, with one person to log in as.

    With ``public_port`` the app answers for that address (a proxy in front listens there).
    """
    folder = tempfile.mkdtemp(prefix="circles-weight-")
    port = free_port()
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/weight.sqlite3",
            "RATELIMIT_ENABLED": False,
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "SERVER_NAME": f"127.0.0.1:{public_port or port}",
        }
        | ({} if compress else {"COMPRESS_MIMETYPES": []})
    )
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with app.app_context():
        Base.metadata.create_all(db.engine)
        passwords = app.extensions["circles_passwords"]
        # 3 circles of 8 with their meetups, half a year of 1:1s and a heavy week (the nudge card)
        populate(db.session, "jo", Volume(heavy_week=True), passwords.hash(PASSWORD))
        db.session.commit()
    counter = Counter(app.wsgi_app)
    app.wsgi_app = counter  # type: ignore[method-assign]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", counter, port
    finally:
        server.shutdown()
        thread.join(timeout=5)
        shutil.rmtree(folder, ignore_errors=True)


_TWO_FRAMES = "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


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
        form={"email": "jo@volume.test", "password": PASSWORD, "csrf_token": token.group(1)},
        max_redirects=0,
    )
    assert answer.status == 302, answer.status


def measure(browser: Any, compress: bool) -> tuple[Visit, Visit]:
    """First and repeat visit of Today, in one fresh browser context."""
    with served(compress) as (base, counter, _port):
        return _visits(browser, base, counter)


def measure_through_caddy(browser: Any) -> tuple[Visit, Visit]:
    """The same visits through Caddy as deployed: bytes counted on the wire between them."""
    caddy_port = free_port()
    relay_port = free_port()
    with (
        served(True, relay_port) as (_base, counter, app_port),
        caddy_in_front(app_port, caddy_port),
    ):
        relay = Relay(caddy_port, relay_port)
        try:
            return _visits(browser, f"http://127.0.0.1:{relay_port}", counter, relay)
        finally:
            relay.close()


def _visits(
    browser: Any, base: str, counter: Counter, relay: Relay | None = None
) -> tuple[Visit, Visit]:
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, base_url=base, service_workers="allow"
    )
    _log_in(context)
    context.add_init_script(LAYOUT_SHIFT_OBSERVER)
    page = context.new_page()
    visits = []
    for _ in range(2):
        counter.visit = Visit()
        on_wire = relay.down if relay else 0
        page.goto("/", wait_until="networkidle")
        # The first visit installs the service worker, which then keeps its files: count those.
        _wait_until(lambda: page.evaluate("Boolean(navigator.serviceWorker.controller)"))
        page.wait_for_load_state("networkidle")
        # Chrome offers to install an installable app a moment after load; what the page
        # shows then must not push what is already there (Lighthouse counts it).
        page.evaluate("window.dispatchEvent(new Event('beforeinstallprompt'))")
        page.evaluate(_TWO_FRAMES)
        counter.visit.layout_shift = float(page.evaluate("window.__layoutShift"))
        if relay is not None:  # what went over the wire, not what the app handed to Caddy
            counter.visit.bytes = relay.down - on_wire
        visits.append(counter.visit)
    context.close()
    return visits[0], visits[1]


def report(name: str, first: Visit, repeat: Visit) -> str:
    top = sorted(first.by_url.items(), key=lambda item: -item[1])[:4]
    return (
        f"{name}: first visit {first.bytes / 1024:.1f} KiB in {first.requests} requests, "
        f"repeat visit {repeat.bytes / 1024:.1f} KiB in {repeat.requests} requests "
        f"(encodings sent: {', '.join(sorted(first.encodings)) or 'none'}); "
        f"layout shift {first.layout_shift:.3f} first, {repeat.layout_shift:.3f} repeat; "
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
        deployed = measure_through_caddy(browser) if shutil.which("caddy") else None
        browser.close()
    if deployed is not None:
        print(report("through Caddy as deployed (zstd/gzip for everything)", *deployed))
    print(report("with compression", *compressed))
    print(report("without compression", *plain))
    print(
        f"compression saves {1 - compressed[0].bytes / plain[0].bytes:.0%} of the first visit; "
        f"the repeat visit is {compressed[1].bytes / compressed[0].bytes:.0%} of the first"
    )


if __name__ == "__main__":
    main()
