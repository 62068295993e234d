"""The local push service judges messages built by the `webpush` package like a real one."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from webpush import WebPush
from webpush.types import WebPushSubscription
from webpush.vapid import VAPID

from tests.support.push_service import LocalPushService

TIMEOUT = (1.0, 2.0)
SUBSCRIBER = "ops@circles.test"


@pytest.fixture(scope="module")
def vapid_keys() -> tuple[bytes, bytes, str]:
    """(private PEM, public PEM, applicationServerKey), as `webpush`'s CLI makes them."""
    return VAPID.generate_keys()


@pytest.fixture
def push() -> Iterator[LocalPushService]:
    with LocalPushService() as service:
        yield service


def build(
    vapid_keys: tuple[bytes, bytes, str], subscription: dict[str, Any], message: Any
) -> tuple[bytes, dict[str, str]]:
    """Encrypt and sign as our app does: a fresh WebPush, headers set on the result."""
    private_pem, public_pem, _ = vapid_keys
    web_push = WebPush(private_key=private_pem, public_key=public_pem, subscriber=SUBSCRIBER)
    built = web_push.get(message, WebPushSubscription.model_validate(subscription))
    headers = dict(built.headers)
    headers["ttl"] = "3600"
    headers["content-type"] = "application/octet-stream"
    headers["urgency"] = "normal"
    headers["topic"] = "reminder-42"
    return built.encrypted, headers


def post(endpoint: str, body: bytes, headers: dict[str, str], **kwargs: Any) -> requests.Response:
    with requests.post(endpoint, data=body, headers=headers, timeout=TIMEOUT, **kwargs) as response:
        response.content  # noqa: B018  (read the body so the connection can be released)
        return response


def signed(private_pem: bytes, public_key: str, **claims: Any) -> str:
    """A `vapid t=..., k=...` header with exactly these claims."""
    token = jwt.encode(claims, private_pem, algorithm="ES256")
    return f"vapid t={token}, k={public_key}"


def test_a_correct_message_is_accepted_and_decrypted_to_the_exact_payload(
    push: LocalPushService, vapid_keys: tuple[bytes, bytes, str]
) -> None:
    subscription = push.new_subscription(application_server_key=vapid_keys[2])
    payload = {"title": "Meetup tomorrow", "url": "/circles/7", "tag": "r-42"}
    body, headers = build(vapid_keys, subscription, payload)

    response = post(subscription["endpoint"], body, headers)

    assert response.status_code == 201
    assert response.headers["Location"].startswith(f"{push.origin}/m/")
    assert response.headers["TTL"] == "3600"
    [delivery] = push.wait_for(1, timeout=1)
    assert delivery.endpoint == subscription["endpoint"]
    assert delivery.payload == json.dumps(payload).encode()
    assert delivery.json == payload
    assert delivery.headers["TTL"] == "3600" and delivery.ttl == 3600
    assert delivery.headers["Content-Encoding"] == "aes128gcm"
    assert delivery.headers["content-type"] == "application/octet-stream"
    assert delivery.topic == "reminder-42" and delivery.urgency == "normal"
    assert delivery.headers["authorization"].startswith("vapid t=")
    assert push.deliveries(subscription["endpoint"]) == [delivery]
    assert push.rejections() == []


def test_webpush_sends_the_aud_without_the_port_which_only_strict_mode_refuses(
    vapid_keys: tuple[bytes, bytes, str],
) -> None:
    with LocalPushService(strict_aud=True) as strict:
        subscription = strict.new_subscription()
        body, headers = build(vapid_keys, subscription, "hi")
        claims = jwt.decode(
            headers["authorization"].split("t=")[1].split(",")[0],
            options={"verify_signature": False},
        )
        assert claims["aud"] == "http://127.0.0.1"  # no port: webpush 1.0.6 drops it
        assert claims["sub"] == f"mailto:{SUBSCRIBER}"

        assert post(subscription["endpoint"], body, headers).status_code == 401

        headers["authorization"] = signed(
            vapid_keys[0],
            vapid_keys[2],
            aud=strict.origin,
            exp=int(time.time()) + 60,
            sub="mailto:a@b.c",
        )
        assert post(subscription["endpoint"], body, headers).status_code == 201


def test_a_signature_by_another_key_is_forbidden(
    push: LocalPushService, vapid_keys: tuple[bytes, bytes, str]
) -> None:
    subscription = push.new_subscription()
    body, headers = build(vapid_keys, subscription, "hi")
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    claims = {"aud": push.origin, "exp": int(time.time()) + 60, "sub": "mailto:a@b.c"}
    headers["authorization"] = signed(other, vapid_keys[2], **claims)

    assert post(subscription["endpoint"], body, headers).status_code == 403
    assert "signature" in push.rejections()[0].reason
    assert push.deliveries() == []


def test_a_key_other_than_the_subscriptions_application_server_key_is_forbidden(
    push: LocalPushService, vapid_keys: tuple[bytes, bytes, str]
) -> None:
    subscription = push.new_subscription(application_server_key=VAPID.generate_keys()[2])
    body, headers = build(vapid_keys, subscription, "hi")

    assert post(subscription["endpoint"], body, headers).status_code == 403


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"aud": "https://fcm.googleapis.com", "exp": 60, "sub": "mailto:a@b.c"}, "aud"),
        ({"aud": "ORIGIN", "exp": 25 * 3600, "sub": "mailto:a@b.c"}, "24 hours"),
        ({"aud": "ORIGIN", "exp": -10, "sub": "mailto:a@b.c"}, "expired"),
        ({"aud": "ORIGIN", "exp": 60, "sub": "a@b.c"}, "sub"),
    ],
)
def test_wrong_vapid_claims_are_unauthorized(
    push: LocalPushService,
    vapid_keys: tuple[bytes, bytes, str],
    claims: dict[str, Any],
    reason: str,
) -> None:
    subscription = push.new_subscription()
    body, headers = build(vapid_keys, subscription, "hi")
    claims = {**claims, "exp": int(time.time()) + claims["exp"]}
    if claims["aud"] == "ORIGIN":
        claims["aud"] = push.origin
    headers["authorization"] = signed(vapid_keys[0], vapid_keys[2], **claims)

    assert post(subscription["endpoint"], body, headers).status_code == 401
    [rejection] = push.rejections()
    assert rejection.status == 401 and reason in rejection.reason


def test_the_legacy_webpush_authorization_with_crypto_key_is_accepted(
    push: LocalPushService, vapid_keys: tuple[bytes, bytes, str]
) -> None:
    subscription = push.new_subscription()
    body, headers = build(vapid_keys, subscription, "hi")
    token = headers["authorization"].split("t=")[1].split(",")[0]
    headers["authorization"] = f"WebPush {token}"
    headers["crypto-key"] = f"p256ecdsa={vapid_keys[2]}"

    assert post(subscription["endpoint"], body, headers).status_code == 201


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"authorization": None}, 401),
        ({"ttl": None}, 400),
        ({"ttl": "-1"}, 400),
        ({"content-encoding": "aesgcm"}, 415),
        ({"content-encoding": None}, 400),
        ({"topic": "has spaces"}, 400),
        ({"topic": "x" * 33}, 400),
        ({"urgency": "urgent"}, 400),
    ],
)
def test_bad_headers_are_refused_with_the_status_a_real_service_gives(
    push: LocalPushService,
    vapid_keys: tuple[bytes, bytes, str],
    change: dict[str, str | None],
    status: int,
) -> None:
    subscription = push.new_subscription()
    body, headers = build(vapid_keys, subscription, "hi")
    for name, value in change.items():
        if value is None:
            del headers[name]
        else:
            headers[name] = value

    assert post(subscription["endpoint"], body, headers).status_code == status
    assert push.rejections()[0].status == status
    assert push.deliveries() == []


def test_a_body_over_4096_bytes_is_too_large(
    push: LocalPushService, vapid_keys: tuple[bytes, bytes, str]
) -> None:
    subscription = push.new_subscription()
    body, headers = build(vapid_keys, subscription, "x" * 4000)  # webpush does not check

    assert len(body) > 4096
    assert post(subscription["endpoint"], body, headers).status_code == 413


def test_a_body_encrypted_for_another_subscription_cannot_be_decrypted(
    push: LocalPushService, vapid_keys: tuple[bytes, bytes, str]
) -> None:
    target, other = push.new_subscription(), push.new_subscription()
    body, headers = build(vapid_keys, other, "hi")

    assert post(target["endpoint"], body, headers).status_code == 400
    assert "decrypt" in push.rejections()[0].reason


def test_a_kept_alive_session_is_served_and_stop_closes_its_idle_connection(
    push: LocalPushService, vapid_keys: tuple[bytes, bytes, str]
) -> None:
    subscription = push.new_subscription()
    with requests.Session() as session:
        for text in ("one", "two"):
            body, headers = build(vapid_keys, subscription, text)
            response = session.post(
                subscription["endpoint"], data=body, headers=headers, timeout=TIMEOUT
            )
            assert response.status_code == 201
        started = time.monotonic()
        push.stop()
        assert time.monotonic() - started < 1
    assert [d.payload for d in push.deliveries()] == [b"one", b"two"]


def test_unknown_and_forgotten_subscriptions_are_not_found_and_gone(
    push: LocalPushService, vapid_keys: tuple[bytes, bytes, str]
) -> None:
    subscription = push.new_subscription()
    body, headers = build(vapid_keys, subscription, "hi")

    assert post(f"{push.origin}/push/nobody", body, headers).status_code == 404
    push.forget(subscription["endpoint"])
    push.reset_behaviour()
    assert post(subscription["endpoint"], body, headers).status_code == 410


def test_respond_with_answers_410_and_429_with_retry_after(
    push: LocalPushService, vapid_keys: tuple[bytes, bytes, str]
) -> None:
    busy, dropped = push.new_subscription(), push.new_subscription()
    push.respond_with(429, retry_after=30, endpoint=busy["endpoint"], times=1)
    push.respond_with(410, endpoint=dropped["endpoint"])

    body, headers = build(vapid_keys, busy, "hi")
    throttled = post(busy["endpoint"], body, headers)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "30"
    assert post(busy["endpoint"], body, headers).status_code == 201  # times=1 used up

    body, headers = build(vapid_keys, dropped, "hi")
    assert post(dropped["endpoint"], body, headers).status_code == 410
    push.reset_behaviour()
    assert post(dropped["endpoint"], body, headers).status_code == 201

    push.respond_with(503, retry_after=5)
    assert post(dropped["endpoint"], body, headers).status_code == 503


def test_hang_makes_a_client_with_a_short_read_timeout_time_out(
    push: LocalPushService, vapid_keys: tuple[bytes, bytes, str]
) -> None:
    subscription = push.new_subscription()
    body, headers = build(vapid_keys, subscription, "hi")
    push.hang(30, endpoint=subscription["endpoint"])

    started = time.monotonic()
    with pytest.raises(requests.ReadTimeout):
        requests.post(subscription["endpoint"], data=body, headers=headers, timeout=(1, 0.5))
    assert time.monotonic() - started < 1.5

    started = time.monotonic()
    push.stop()  # releases the hanging handler instead of waiting 30 s
    assert time.monotonic() - started < 1
    assert push.deliveries() == []
