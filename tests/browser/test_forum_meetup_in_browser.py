"""A whole Forum meetup on phones: the facilitator runs it from "Run this meetup", a member
sends the presenter a note, the connection drops mid-meeting, and nothing is lost."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import phone_context, screenshot
from tests.browser.test_circles_in_browser import _log_in
from tests.conftest import logged_in
from tests.views.test_presenting import PREP, forum_now

pytestmark = pytest.mark.browser

NOTE = "What you said about carrying it alone stayed with me. Coffee next week?"


def _phone(browser: Any, live_server: str, email: str, scheme: str = "light") -> Any:
    context = phone_context(browser, live_server, timezone_id="Europe/London", color_scheme=scheme)
    page = context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"JavaScript error: {error}"))
    _log_in(page, email)
    return page


def _current(page: Any, part: str) -> Any:
    return page.locator(f".run-step:not([hidden]) {part}")


def test_a_whole_forum_meetup_with_a_dropped_connection(
    browser: Any, live_server: str, served_app: Flask, make_user: Any, make_circle: Any
) -> None:
    host, fay, pia, bo = (make_user(display_name=n) for n in ("Hana", "Fay", "Pia", "Bo"))
    circle = make_circle(host, members=(fay, pia, bo), name="Harbour")
    path = forum_now(served_app, circle.id, host.id)  # rotation: Fay facilitates this one
    for person in (fay, pia, bo):
        logged_in(served_app, person).post(path + "/rsvp", data={"answer": "going"})
    pia_client = logged_in(served_app, pia)
    pia_client.post(path + "/presenter/volunteer")
    pia_client.post(path + "/my-prep-to-present", data=PREP)

    facilitator = _phone(browser, live_server, fay.email, scheme="dark")
    facilitator.goto(path)
    facilitator.get_by_role("link", name="Run this meetup").click()
    expect(facilitator.get_by_role("heading", name="Run this meetup")).to_be_visible()
    # Who's here comes from the RSVPs; Hana turns up anyway and is tapped in.
    expect(facilitator.get_by_label("Hana")).not_to_be_checked()
    facilitator.get_by_label("Hana").check()
    facilitator.get_by_role("button", name="Start the meetup").click()
    expect(facilitator.get_by_role("heading", name="Check-in round")).to_be_visible()
    expect(facilitator.get_by_role("heading", name="Clarifying questions")).to_be_hidden()
    expect(facilitator.locator("[data-clock='meeting']")).to_have_text(re.compile(r"0:0[1-9]"))
    # The facilitator opens the check-in round; Bo passes.
    expect(_current(facilitator, "[data-speaker]")).to_have_text("Fay")
    facilitator.get_by_role("button", name="Next person").click()
    expect(_current(facilitator, "[data-speaker]")).to_have_text("Hana")
    facilitator.get_by_role("button", name="Next person").click()
    expect(_current(facilitator, "[data-speaker]")).to_have_text("Bo")
    facilitator.get_by_role("button", name="Pass").click()
    expect(_current(facilitator, ".run-order")).to_contain_text("Bo · passed")
    expect(_current(facilitator, "[data-speaker]")).to_have_text("Pia")
    facilitator.get_by_role("button", name="Next person").click()
    expect(_current(facilitator, "[data-round-done]")).to_be_visible()
    screenshot(facilitator, "run-check-in-done-dark")

    # The presenter's step, with her prep shown as she chose, and the step's timer running.
    facilitator.get_by_role("button", name="Next step").click()
    expect(facilitator.get_by_role("heading", name="The presentation")).to_be_visible()
    expect(facilitator.get_by_text("Pia's prep, shared for this step")).to_be_visible()
    expect(_current(facilitator, "[data-clock='step']")).to_have_text(re.compile(r"0:0[1-9]"))
    screenshot(facilitator, "run-presentation-dark")

    member = _phone(browser, live_server, bo.email)
    member.goto(path + "/run")
    expect(member.get_by_text("Fay runs the meetup from this screen")).to_be_visible()
    member.get_by_label("A note for Pia").fill(NOTE)
    member.get_by_role("button", name="Send the note").click()
    expect(member.get_by_text("Only the presenter will read it")).to_be_visible()
    expect(member.get_by_text(NOTE)).to_have_count(0)

    # The connection drops; the meeting goes on and its end is kept on the phone.
    facilitator.context.set_offline(True)
    facilitator.get_by_role("button", name="Next step").click()
    expect(facilitator.get_by_role("heading", name="Clarifying questions")).to_be_visible()
    facilitator.get_by_role("button", name="Next step").click()
    expect(facilitator.get_by_role("heading", name="Sharing experience")).to_be_visible()
    expect(_current(facilitator, ".run-reminder")).to_contain_text("Experience, not advice")
    expect(facilitator.get_by_text("Pia listens in this round.")).to_be_visible()
    facilitator.get_by_role("button", name="Shuffle").click()
    expect(_current(facilitator, ".run-order li")).to_have_count(3)  # everyone but Pia
    for _turn in range(3):
        facilitator.get_by_role("button", name="Next person").click()
    expect(_current(facilitator, "[data-round-done]")).to_be_visible()
    facilitator.get_by_role("button", name="Next step").click()
    facilitator.get_by_role("button", name="Next step").click()
    expect(facilitator.get_by_role("heading", name="Closing round")).to_be_visible()
    expect(_current(facilitator, ".run-order li").last).to_contain_text("Fay")  # goes last
    expect(facilitator.get_by_role("button", name="Next step")).to_be_hidden()
    facilitator.get_by_role("button", name="End the meetup and save who came").click()
    expect(
        facilitator.get_by_text("You're offline. Who came is kept on this phone")
    ).to_be_visible()
    screenshot(facilitator, "run-ended-offline-dark")
    # The tab is closed while offline; the next page opened online sends the kept end.
    context = facilitator.context
    facilitator.close()
    context.set_offline(False)
    facilitator = context.new_page()
    with facilitator.expect_response(lambda r: r.url.endswith("/attendance")) as sent:
        facilitator.goto("/")
    assert sent.value.status == 200
    facilitator.goto(path)
    expect(facilitator.get_by_text("Ran as Forum, with 4 there.")).to_be_visible()

    facilitator.goto(f"/circles/{circle.id}")
    expect(facilitator.get_by_text("Bo, Fay, Hana, Pia")).to_be_visible()

    presenter = _phone(browser, live_server, pia.email)
    presenter.goto(path)
    presenter.get_by_role("link", name="Notes for you (1)").click()
    expect(presenter.get_by_text(NOTE)).to_be_visible()
    expect(presenter.get_by_text("Bo ·")).to_be_visible()
    screenshot(presenter, "notes-for-the-presenter")
    for page in (facilitator, member, presenter):
        page.context.close()
