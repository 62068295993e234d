"""A 1:1 logged without a connection is kept on the phone and sent once when back online."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from circles.extensions import db
from circles.models import LoadEntry
from tests.browser.test_circles_in_browser import _log_in

pytestmark = pytest.mark.browser


def test_logging_offline_is_sent_when_back_online(
    phone: Any, served_app: Any, make_user: Any
) -> None:
    user = make_user()
    _log_in(phone, user.email)
    phone.goto("/log")
    phone.context.set_offline(True)
    phone.get_by_role("button", name="4 Heavy").click()
    expect(phone.get_by_text("Logged on this phone.")).to_be_visible()
    with served_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(LoadEntry)) == 0
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    for _ in range(50):  # wait_for_function would need eval, which the CSP forbids
        if (
            phone.evaluate("JSON.parse(localStorage.getItem('circles.pending-log') || '[]').length")
            == 0
        ):
            break
        phone.wait_for_timeout(100)
    phone.goto("/")  # a later page load flushes again: nothing is stored twice
    phone.wait_for_timeout(300)
    with served_app.app_context():
        intensities = db.session.scalars(db.select(LoadEntry.intensity)).all()
    assert intensities == [4]


def test_a_shared_phone_never_files_one_persons_entry_under_another(
    phone: Any, served_app: Any, make_user: Any
) -> None:
    first, second = make_user(), make_user()
    _log_in(phone, first.email)
    phone.goto("/log")
    phone.context.set_offline(True)
    phone.get_by_role("button", name="2 Fairly light").click()
    expect(phone.get_by_text("Logged on this phone.")).to_be_visible()
    phone.context.clear_cookies()  # the first person's session ends; the queue stays on the phone
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")  # the send meets a lapsed login
    phone.wait_for_timeout(300)
    _log_in(phone, second.email)
    phone.goto("/load")
    phone.wait_for_timeout(500)
    with served_app.app_context():
        owners = db.session.scalars(db.select(LoadEntry.user_id)).all()
    assert owners == []
    phone.context.clear_cookies()
    _log_in(phone, first.email)
    for _ in range(50):
        with served_app.app_context():
            owners = db.session.scalars(db.select(LoadEntry.user_id)).all()
        if owners:
            break
        phone.wait_for_timeout(100)
    assert owners == [first.id]
