"""A host schedules a meetup and answers it on a phone; Today shows the next one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.browser.test_circles_in_browser import _log_in

pytestmark = pytest.mark.browser


def _split_answers(page: Any) -> list[str]:
    """The answer buttons whose label runs onto more than one line."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll("form.rsvp button")].filter((button) => {
                const label = document.createRange();
                label.selectNodeContents(button);
                return new Set([...label.getClientRects()].map((r) => Math.round(r.top))).size > 1;
            }).map((button) => button.textContent.trim())"""
        )
    )


def test_schedule_rsvp_and_see_it_on_today(phone: Any, make_user: Any, make_circle: Any) -> None:
    host = make_user(display_name="Hana", time_zone="America/Chicago")
    make_circle(host, name="Harbour circle", time_zone="Europe/London", members=(make_user(),))
    _log_in(phone, host.email)
    phone.goto("/circles")
    phone.get_by_role("link", name="Harbour circle").click()
    expect(phone.get_by_text("No meetup planned yet.")).to_be_visible()
    phone.get_by_role("link", name="Schedule a meetup").click()
    day = date.today() + timedelta(days=10)  # noqa: DTZ011
    phone.get_by_label("Date").fill(day.isoformat())
    phone.get_by_label("Starts at").fill("19:00")
    phone.get_by_label("Video link").fill("https://meet.example.org/harbour")
    phone.get_by_label("Rotate the facilitator among members").check()
    screenshot(phone, "meetup-form")
    phone.get_by_role("button", name="Schedule").click()
    expect(phone.get_by_text("Meetup scheduled.")).to_be_visible()
    expect(phone.get_by_text("in the circle's time zone (Europe/London)")).to_be_visible()
    phone.get_by_role("button", name="Going").click()
    expect(phone.get_by_text("Going: Hana")).to_be_visible()
    screenshot(phone, "meetup-page")
    phone.get_by_role("button", name="Can't make it").click()
    expect(phone.get_by_text("Can't make it: Hana")).to_be_visible()
    for width in (390, 320):  # the chosen answer carries a tick, and still no label splits
        phone.set_viewport_size({"width": width, "height": 844})
        assert _split_answers(phone) == []
    phone.set_viewport_size(PHONE)

    phone.get_by_role("link", name="Today").click()
    expect(phone.get_by_role("heading", name="Next meetup")).to_be_visible()
    expect(phone.get_by_text("Harbour circle").first).to_be_visible()
    screenshot(phone, "today-with-meetup")
