"""Headless Chromium (Debian's) driven by Playwright against a live server on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.support.mailbox import free_port
from tests.support.requirements import missing

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        missing("Chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def served_app(make_app: Callable[..., Flask], mailbox: Any) -> Flask:
    """The app the live server runs (push to local endpoints allowed)."""
    port = free_port()
    return make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=mailbox.port,
        SERVER_NAME=f"127.0.0.1:{port}",
        PUSH_ALLOW_HTTP_LOCALHOST=True,
        VAPID_SUBJECT="mailto:ops@circles.test",
    )


@pytest.fixture
def push_service_browser(served_app: Flask) -> Iterator[tuple[Any, Flask]]:
    from tests.support.push_service import LocalPushService

    with LocalPushService(strict_aud=True) as service:
        yield service, served_app


@pytest.fixture
def live_server(served_app: Flask) -> Iterator[str]:
    """The app served on a free 127.0.0.1 port; yields its base URL."""
    app = served_app
    port = int(app.config["SERVER_NAME"].rsplit(":", 1)[1])
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)


def phone_context(browser: Any, live_server: str, **options: Any) -> Any:
    """A phone-sized (390 x 844) browser context of its own; `options` override the phone's."""
    settings: dict[str, Any] = {
        "viewport": PHONE,
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "base_url": live_server,
        "timezone_id": "America/Chicago",
        "service_workers": "allow",
    }
    return browser.new_context(**(settings | options))


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Any]:
    """A new phone-sized page (390 x 844) in its own browser context."""
    context = phone_context(browser, live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
