"""The two-tap log and My load on a phone, in light and dark."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_circles_in_browser import _log_in

pytestmark = pytest.mark.browser


def test_two_taps_from_today_and_the_load_page(
    phone: Any, make_user: Any, make_circle: Any
) -> None:
    user = make_user(display_name="Pat")
    make_circle(user, name="Harbour circle")
    _log_in(phone, user.email)
    phone.get_by_role("link", name="Log a 1:1").click()
    screenshot(phone, "log")
    phone.get_by_role("button", name="5 Very heavy").click()
    expect(phone.get_by_role("heading", name="Logged")).to_be_visible()
    screenshot(phone, "logged")
    for _ in range(3):
        phone.goto("/log")
        phone.get_by_role("button", name="5 Very heavy").click()
    phone.goto("/")
    expect(phone.get_by_role("heading", name="A heavy week")).to_be_visible()
    screenshot(phone, "today-heavy")
    phone.goto("/load")  # a first week: too early to compare with a usual
    expect(phone.locator("p.level")).to_have_text("Not enough weeks yet to know your usual.")
    expect(phone.locator("svg.arc rect.gap")).to_have_count(25)
    expect(phone.locator("svg.arc text.empty-week")).to_have_count(0)  # before logging began
    expect(phone.locator("svg.arc text.this-week-label")).to_have_text("This week")
    screenshot(phone, "load")
    phone.emulate_media(color_scheme="dark")
    screenshot(phone, "load-dark")
    phone.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", "/load", "/log", "/me", "/circles"):
        phone.goto(path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320 px"
