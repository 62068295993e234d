"""Fixtures for end-to-end push tests: the local push service and users with devices."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from circles.extensions import db
from circles.models import PushSubscription
from circles.push.sender import PushSender
from circles.worker import make_sender
from tests.support.push_service import LocalPushService

SUBJECT = "mailto:ops@circles.test"


@pytest.fixture
def push_service() -> Iterator[LocalPushService]:
    with LocalPushService(strict_aud=True) as service:
        yield service


@pytest.fixture
def push_app(make_app: Callable[..., Flask], mailbox: Any) -> Flask:
    return make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=mailbox.port,
        VAPID_SUBJECT=SUBJECT,
        PUSH_ALLOW_HTTP_LOCALHOST=True,
        PUSH_READ_TIMEOUT=0.5,
        PUSH_CONNECT_TIMEOUT=0.5,
    )


@pytest.fixture
def sender(push_app: Flask) -> Iterator[PushSender]:
    with make_sender(push_app) as made:
        yield made


@pytest.fixture
def add_device(push_app: Flask, push_service: LocalPushService) -> Callable[..., dict[str, Any]]:
    """Give a user a device subscribed at the local push service."""

    def add(user: Any) -> dict[str, Any]:
        subscription = push_service.new_subscription()
        with push_app.app_context():
            keys = subscription["keys"]
            db.session.add(
                PushSubscription(
                    user_id=user.id,
                    endpoint=subscription["endpoint"],
                    p256dh=keys["p256dh"],
                    auth=keys["auth"],
                    device="Test browser",
                )
            )
            db.session.commit()
        return subscription

    return add
