"""Sign up, confirm and edit the profile on a phone-sized headless Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from circles.timezones import zone_names
from tests.browser.conftest import screenshot
from tests.support.mailbox import Mailbox, link_in

pytestmark = pytest.mark.browser


def test_sign_up_on_a_phone_with_the_zone_from_the_device(phone: Any, mailbox: Mailbox) -> None:
    phone.goto("/")
    screenshot(phone, "welcome")
    phone.get_by_role("link", name="Create an account").click()
    expect(phone.get_by_label("Time zone")).to_have_value("America/Chicago")
    phone.get_by_label("Time zone").focus()
    expect(phone.locator("datalist#zones option")).to_have_count(len(zone_names()))
    phone.get_by_label("Email").fill("phone@example.com")
    phone.get_by_label("Your name, as your circle will see it").fill("Pat")
    phone.get_by_label("Password").fill("quiet harbour at dawn")
    screenshot(phone, "signup")
    phone.get_by_role("button", name="Create account").click()
    expect(phone.get_by_role("heading", name="Check your email")).to_be_visible()

    phone.goto(link_in(mailbox.wait_for("phone@example.com"), "/confirm/"))
    expect(phone.get_by_text("Hello, Pat.")).to_be_visible()
    screenshot(phone, "today")

    phone.get_by_role("link", name="Me").click()
    phone.get_by_label("Quiet from").fill("21:00")
    phone.get_by_role("button", name="Save profile").click()
    expect(phone.get_by_text("Quiet hours need both a start and an end")).to_be_visible()
    expect(phone.get_by_label("Quiet from")).to_have_value("21:00")
    screenshot(phone, "me-error")


def test_pages_fit_a_narrow_phone_without_sideways_scrolling(phone: Any) -> None:
    phone.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", "/login", "/signup", "/password/forgot"):
        phone.goto(path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        small = phone.evaluate(
            """[...document.querySelectorAll('main a.button, main button, main input')]
               .filter(e => e.getBoundingClientRect().height < 44 && e.type !== 'checkbox'
                            && e.type !== 'hidden').map(e => e.outerHTML.slice(0, 60))"""
        )
        assert small == [], f"touch targets under 44px on {path}: {small}"
