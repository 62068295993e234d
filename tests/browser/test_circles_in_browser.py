"""A host starts a circle and invites someone, who joins from the link, on phone-sized Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.conftest import PASSWORD
from tests.support.mailbox import Mailbox, link_in

pytestmark = pytest.mark.browser


def _log_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_host_invites_and_a_newcomer_joins_from_the_link(
    phone: Any, browser: Any, live_server: str, make_user: Any, mailbox: Mailbox
) -> None:
    host = make_user(display_name="Hana")
    _log_in(phone, host.email)
    expect(phone.get_by_text("You're not in a circle yet")).to_be_visible()
    phone.get_by_role("link", name="Start a circle").first.click()
    phone.get_by_label("Name").fill("Harbour circle")
    phone.get_by_label("What it's for").fill("Leaders in care work, every other Thursday.")
    screenshot(phone, "circle-new")
    phone.get_by_role("button", name="Start the circle").click()
    expect(phone.get_by_role("heading", name="Host tools")).to_be_visible()

    phone.get_by_label("One person only").check()
    phone.get_by_role("button", name="Make an invite link").click()
    link = phone.get_by_label("Invite link").input_value()
    assert "/join/" in link
    share = phone.locator("button[data-share-url]")
    expect(share).to_be_visible()  # share sheet or copy, whichever this browser offers
    screenshot(phone, "circle-invite")

    newcomer = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = newcomer.new_page()
    page.goto(link)
    expect(page.get_by_text("You've been invited to join")).to_be_visible()
    expect(page.get_by_text("7 seats left of 8.")).to_be_visible()
    screenshot(page, "join-landing")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill("nia@example.com")
    page.get_by_label("Your name, as your circle will see it").fill("Nia")
    page.get_by_label("Password").fill("quiet harbour at dawn")
    page.get_by_role("button", name="Create account").click()
    page.goto(live_server + link_in(mailbox.wait_for("nia@example.com"), "/confirm/"))
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("accept the circle's agreement")).to_be_visible()
    page.get_by_label("I agree to keep what is said in the circle").check()
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("Welcome to Harbour circle.")).to_be_visible()
    expect(page.get_by_text("Nia (you)")).to_be_visible()
    screenshot(page, "circle-page")
    newcomer.close()

    phone.goto("/circles")
    expect(phone.get_by_text("2 of 8 seats")).to_be_visible()
    screenshot(phone, "circles-list")
