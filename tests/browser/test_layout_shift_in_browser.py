"""Today does not move under the reader: nothing shown after load pushes the nudge card down."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from circles.extensions import db
from tests.browser.test_circles_in_browser import _log_in
from tests.conftest import PASSWORD
from tests.support.layout_shift import LAYOUT_SHIFT_OBSERVER
from tests.support.volume import Volume, populate

pytestmark = pytest.mark.browser

TWO_FRAMES = "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def test_the_install_offer_appears_without_moving_the_nudge_card(
    phone: Any, served_app: Flask
) -> None:
    with served_app.app_context():
        hashed = served_app.extensions["circles_passwords"].hash(PASSWORD)
        built = populate(db.session, "cls", Volume(heavy_week=True), hashed)
        db.session.commit()
    phone.context.add_init_script(LAYOUT_SHIFT_OBSERVER)
    _log_in(phone, built.email)
    phone.goto("/")
    nudge = phone.locator("section.nudge")
    expect(nudge).to_be_visible()
    top = nudge.bounding_box()["y"]
    # What Chrome does a moment after loading an installable app.
    phone.evaluate("window.dispatchEvent(new Event('beforeinstallprompt'))")
    phone.evaluate(TWO_FRAMES)
    expect(phone.get_by_role("button", name="Add Circles to your home screen")).to_be_visible()
    assert nudge.bounding_box()["y"] == top
    assert phone.evaluate("window.__layoutShift") == 0
