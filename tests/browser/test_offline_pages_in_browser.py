"""The installed app opened offline: its offline page, and the two-tap log that still works."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from circles.extensions import db
from circles.models import LoadEntry
from tests.browser.conftest import screenshot
from tests.browser.test_circles_in_browser import _log_in
from tests.support.polling import poll

pytestmark = pytest.mark.browser


def _wait_until(check: Any, what: str, seconds: float = 10) -> None:
    """Poll until `check()` is true (wait_for_function would need eval, which the CSP forbids)."""
    poll(check, what, seconds)


def _install_worker(phone: Any) -> None:
    phone.goto("/")
    _wait_until(
        lambda: phone.evaluate("Boolean(navigator.serviceWorker.controller)"),
        "the service worker to take over the page",
    )


def _entries(served_app: Any) -> list[tuple[int, int]]:
    with served_app.app_context():
        return [(e.user_id, e.intensity) for e in db.session.scalars(db.select(LoadEntry)).all()]


def test_opened_offline_the_app_offers_the_log_and_sends_it_when_back(
    phone: Any, served_app: Any, make_user: Any
) -> None:
    user = make_user()
    _log_in(phone, user.email)
    _install_worker(phone)

    phone.context.set_offline(True)
    phone.goto("/circles")
    expect(phone.get_by_role("heading", name="You're offline")).to_be_visible()
    assert phone.locator("meta[name=csrf-token]").count() == 0
    screenshot(phone, "offline-page")

    phone.get_by_role("link", name="Log a 1:1").click()
    expect(phone.get_by_role("heading", name="How heavy was it?")).to_be_visible()
    expect(phone.get_by_text("You're offline. What you log now waits")).to_be_visible()
    screenshot(phone, "offline-log-page")
    phone.get_by_role("button", name="4 Heavy").click()
    expect(phone.get_by_text("Logged on this phone.")).to_be_visible()
    screenshot(phone, "offline-log-queued")
    assert _entries(served_app) == []

    phone.context.set_offline(False)  # the "online" event: the page reloads and sends
    _wait_until(lambda: _entries(served_app) == [(user.id, 4)], "the queued entry to arrive")
    expect(phone.get_by_text("Your 1:1 logged offline is saved.")).to_be_visible()
    phone.goto("/")  # a later page load sends nothing twice
    expect(phone.get_by_text("Hello,")).to_be_visible()
    assert _entries(served_app) == [(user.id, 4)]


def test_the_offline_log_asks_for_a_login_when_nobody_is_logged_in(
    phone: Any, served_app: Any, make_user: Any
) -> None:
    user = make_user()
    _log_in(phone, user.email)
    _install_worker(phone)
    phone.get_by_role("link", name="Me").click()
    phone.get_by_role("button", name="Log out").click()
    expect(phone.get_by_text("You're logged out.")).to_be_visible()
    _wait_until(  # the page's script has noted that nobody is logged in here
        lambda: phone.evaluate("localStorage.getItem('circles.user')") is None,
        "the logged-out page's script to run",
    )

    phone.context.set_offline(True)
    phone.goto("/log")
    expect(phone.get_by_text("Nobody is logged in on this phone.")).to_be_visible()
    assert phone.get_by_role("button", name="4 Heavy").count() == 0
