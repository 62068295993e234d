"""Saving and removing a browser's subscription, and what never reaches a lock screen."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask

from circles.extensions import db
from circles.models import PushSubscription, User
from circles.models.base import utcnow
from circles.services.checkins import operations as checkin_actions
from circles.services.load import operations as load_actions
from circles.services.meetups import operations as meetup_actions
from circles.services.prompts import operations as prompt_actions
from circles.worker import deliver_due, plan
from tests.conftest import logged_in
from tests.support.push_service import LocalPushService

CANARY = "Zebra-Canary-7731"


def test_the_public_key_is_served_as_base64url(push_app: Flask) -> None:
    key = push_app.test_client().get("/push/public-key").json["publicKey"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{87}", key)  # a 65-byte P-256 point


def test_a_device_subscribes_and_unsubscribes(
    push_app: Flask, push_service: LocalPushService, make_user
) -> None:
    client = logged_in(push_app, make_user())
    subscription = push_service.new_subscription()
    saved = client.post(
        "/push/subscriptions",
        json=subscription,
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/140"},
    )
    assert saved.status_code == 201 and saved.json["device"] == "Chrome on Android"
    assert (
        client.post("/push/subscriptions", json=subscription).status_code == 201
    )  # same device again
    other = push_service.new_subscription()
    client.post("/push/subscriptions", json=other)
    with push_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(PushSubscription)) == 2
    me = client.get("/me").get_data(as_text=True)
    assert "Devices that get reminders" in me
    assert (
        client.delete(
            "/push/subscriptions", json={"endpoint": subscription["endpoint"]}
        ).status_code
        == 204
    )
    with push_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(PushSubscription)) == 1


def test_bad_subscriptions_are_refused_with_a_reason(
    push_app: Flask, push_service: LocalPushService, make_user
) -> None:
    client = logged_in(push_app, make_user())
    good = push_service.new_subscription()
    cases = [
        ("not json", "as JSON"),
        ({"endpoint": good["endpoint"]}, "no keys"),
        (
            {"endpoint": "https://evil.example/push/1", "keys": good["keys"]},
            "isn't one we deliver to",
        ),
        ({"endpoint": "javascript:alert(1)", "keys": good["keys"]}, "isn't one we deliver to"),
        (
            {
                "endpoint": good["endpoint"],
                "keys": {"p256dh": "AAAA", "auth": good["keys"]["auth"]},
            },
            "wrong length",
        ),
        (
            {
                "endpoint": good["endpoint"],
                "keys": {"p256dh": good["keys"]["p256dh"], "auth": "!!"},
            },
            "base64url",
        ),
    ]
    for body, reason in cases:
        response = (
            client.post("/push/subscriptions", json=body)
            if isinstance(body, dict)
            else client.post("/push/subscriptions", data=body, content_type="text/plain")
        )
        assert response.status_code == 400, body
        assert reason in response.json["error"], (body, response.json)


def test_production_takes_only_https_endpoints_on_known_push_hosts(
    make_app, mailbox, push_service, make_user
) -> None:
    app = make_app(PUSH_ALLOW_HTTP_LOCALHOST=False)
    client = logged_in(app, make_user())
    local = push_service.new_subscription()
    assert client.post("/push/subscriptions", json=local).status_code == 400
    fcm = dict(local, endpoint="https://fcm.googleapis.com/fcm/send/abc123")
    assert client.post("/push/subscriptions", json=fcm).status_code == 201


def test_subscribing_needs_the_csrf_token(make_app, mailbox, push_service, make_user) -> None:
    app = make_app(WTF_CSRF_ENABLED=True, PUSH_ALLOW_HTTP_LOCALHOST=True)
    client = app.test_client()
    user = make_user()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        "/login",
        data={"email": user.email, "password": "quiet harbour at dawn", "csrf_token": token},
    )
    subscription = push_service.new_subscription()
    refused = client.post("/push/subscriptions", json=subscription)
    assert refused.status_code == 400 and "security token" in refused.json["error"]
    me = client.get("/me").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', me).group(1)
    accepted = client.post("/push/subscriptions", json=subscription, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_a_canary_typed_into_every_field_never_reaches_a_push(
    push_app: Flask, push_service: LocalPushService, sender, add_device, make_user, make_circle
) -> None:
    from circles.services.load import log as load
    from circles.services.meetups import series as meetups
    from circles.services.meetups.recurrence import Repeat
    from circles.services.prompts import deck as prompts

    host = make_user(display_name=f"Host {CANARY}", email=f"{CANARY.lower()}@example.com")
    peer = make_user(display_name=f"Peer {CANARY}")
    circle = make_circle(
        host,
        members=(peer,),
        name=f"Circle {CANARY}",
        purpose=CANARY,
        agreement=f"Agreement {CANARY}",
    )
    for user in (host, peer):
        add_device(user)
    soon = utcnow() + timedelta(minutes=55)
    with push_app.app_context():
        c = db.session.get(type(circle), circle.id)
        h, p = db.session.get(User, host.id), db.session.get(User, peer.id)
        h.typical_week = 2
        local = soon.astimezone(__import__("zoneinfo").ZoneInfo(c.time_zone))
        series = meetup_actions.schedule_series(
            db.session,
            c,
            h,
            meetups.Plan(
                start_date=local.date(),
                start_time=local.time().replace(second=0, microsecond=0),
                duration_minutes=60,
                repeat=Repeat.WEEKLY,
                place=f"Room {CANARY}",
                video_url=f"https://meet.example.org/{CANARY}",
                rotate_facilitator=True,
            ),
        )
        (occ, *_rest) = meetups.upcoming(db.session, [c.id], utcnow())
        prompt = prompt_actions.write_prompt(db.session, c, p, f"Prompt {CANARY}?", anonymous=True)
        prompts.assign(db.session, occ, prompt)
        meetup_actions.save_prep_note(db.session, occ, p, f"Note {CANARY}")
        checkin_actions.raise_signal(db.session, c.id, p, utcnow())
        for n in range(4):
            load_actions.log_entry(
                db.session, h, client_id=f"canary-{n:04d}", intensity=5, now=utcnow()
            )
        load.plan_nudge(db.session, h, utcnow())
        db.session.commit()
        assert series.id
        plan(utcnow())
        deliver_due(sender)
    arrived = push_service.deliveries()
    kinds = {d.json["body"] for d in arrived}
    assert {
        "Your circle meets in an hour",
        "Time to check in with a peer",
        "Someone in your circle could use a check-in",
    } <= kinds
    for message in arrived:
        assert CANARY.lower() not in message.payload.decode().lower()
        assert CANARY.lower() not in " ".join(message.headers.values()).lower()
