"""Turning reminders on in the browser, and a push shown by the service worker.

No real push service is reachable here, so the page is given a subscription from the local push
service (PushManager.subscribe is replaced before the page loads), and the push that service
received is handed to the service worker with DevTools' ServiceWorker.deliverPushMessage.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

from circles.extensions import db
from circles.models import PushSubscription
from circles.worker import deliver_due, make_sender
from tests.browser.conftest import screenshot
from tests.browser.test_circles_in_browser import _log_in

pytestmark = pytest.mark.browser

FAKE_PUSH_MANAGER = """
(() => {
  const json = %s;
  let current = null;
  const make = () => ({
    endpoint: json.endpoint,
    expirationTime: null,
    toJSON: () => json,
    unsubscribe: async () => { current = null; return true; },
  });
  PushManager.prototype.subscribe = async function () { current = make(); return current; };
  PushManager.prototype.getSubscription = async function () { return current; };
})();
"""


def test_turn_on_reminders_and_see_a_push_from_the_service_worker(
    browser: Any, live_server: str, make_app: Any, make_user: Any, push_service_browser: Any
) -> None:
    service, app = push_service_browser
    user = make_user(display_name="Pat")
    subscription = service.new_subscription()
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server)
    context.grant_permissions(["notifications"], origin=live_server)
    context.add_init_script(FAKE_PUSH_MANAGER % json.dumps(subscription))
    page = context.new_page()
    _log_in(page, user.email)
    page.goto("/me#reminders")
    button = page.get_by_role("button", name="Turn on reminders on this device")
    expect(button).to_be_visible()
    button.click()
    expect(page.get_by_text("Reminders are on for this device.")).to_be_visible()
    screenshot(page, "reminders-on")
    with app.app_context():
        saved = db.session.scalar(db.select(PushSubscription))
        assert saved is not None and saved.endpoint == subscription["endpoint"]

    from tests.push.test_delivery import _queue

    _queue(app, user, "browser-push")
    with make_sender(app) as sender, app.app_context():
        deliver_due(sender)
    (arrived,) = service.deliveries()

    cdp = context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(300)
    registration_id = next(r["registrationId"] for r in registrations if not r.get("isDeleted"))
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server,
            "registrationId": registration_id,
            "data": arrived.payload.decode(),
        },
    )
    shown = page.evaluate(
        """async () => {
          const registration = await navigator.serviceWorker.ready;
          for (let i = 0; i < 40; i++) {
            const notes = await registration.getNotifications();
            if (notes.length) {
              return notes.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url}));
            }
            await new Promise(r => setTimeout(r, 50));
          }
          return [];
        }"""
    )
    assert shown == [
        {
            "title": "Circles",
            "body": "Time to check in with a peer",
            "tag": "load-checkin",
            "url": "/load",
        }
    ]

    page.get_by_role("button", name="Turn off on this device").click()
    expect(page.get_by_text("Reminders are off on this device.")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(PushSubscription)) == 0
    context.close()


FAILING_PUSH_SERVICE = """
PushManager.prototype.getSubscription = async function () { return null; };
PushManager.prototype.subscribe = async function () {
  throw new DOMException("push service unreachable", "AbortError");
};
"""


@pytest.mark.parametrize(
    ("grant", "script", "says"),
    [
        (False, "", "Reminders are blocked for this site."),
        (True, FAILING_PUSH_SERVICE, "This browser's push service didn't answer."),
    ],
    ids=["permission-refused", "push-service-unreachable"],
)
def test_a_failed_push_setup_names_the_real_cause(
    browser: Any, live_server: str, make_user: Any, grant: bool, script: str, says: str
) -> None:
    user = make_user()
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server)
    if grant:
        context.grant_permissions(["notifications"], origin=live_server)
    else:  # headless Chromium answers a permission prompt with "denied"
        context.add_init_script(
            "Notification.requestPermission = async () => 'denied';"
            "Object.defineProperty(Notification, 'permission', {get: () => 'denied'});"
        )
    if script:
        context.add_init_script(script)
    page = context.new_page()
    _log_in(page, user.email)
    page.goto("/me#reminders")
    page.get_by_role("button", name="Turn on reminders on this device").click()
    expect(page.get_by_text(says)).to_be_visible()
    expect(page.get_by_text("Check your connection")).to_have_count(0)
    context.close()


def test_iphone_safari_outside_the_installed_app_says_how_to_add_it(
    browser: Any, live_server: str, make_user: Any
) -> None:
    user = make_user()
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.4 Mobile/15E148 Safari/604.1"
    )
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server, user_agent=iphone
    )
    context.add_init_script("delete window.PushManager;")  # as in Safari outside the app
    page = context.new_page()
    _log_in(page, user.email)
    page.goto("/me#reminders")
    expect(page.get_by_text('tap Share, then "Add to Home Screen"')).to_be_visible()
    expect(page.get_by_text("This browser can't show reminders.")).to_be_hidden()
    context.close()
