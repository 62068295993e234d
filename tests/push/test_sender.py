"""PushSender end to end against the local push service: encryption, headers, outcomes."""

from __future__ import annotations

import itertools
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from requests.adapters import HTTPAdapter
from webpush.vapid import VAPID

from circles.push import vapid
from circles.push.payload import build, topic_for, ttl_for, urgency_for
from circles.push.sender import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    DEFAULT_ALLOWED_HOSTS,
    MAX_RETRY_AFTER,
    Outcome,
    PushSender,
    RecordingSender,
    Result,
    allowed_endpoint,
    backoff,
    parse_retry_after,
)
from circles.services.reminders.kinds import Kind
from tests.support.push_service import LocalPushService

SUBJECT = "mailto:ops@circles.test"
HEADERS: dict[str, Any] = {"ttl": 3600, "urgency": "normal", "topic": "meetup-42"}


@pytest.fixture(scope="module")
def keys() -> vapid.VapidKeys:
    return vapid.generate()


@pytest.fixture
def push() -> Iterator[LocalPushService]:
    with LocalPushService(strict_aud=True) as service:
        yield service


@pytest.fixture
def sender(keys: vapid.VapidKeys) -> Iterator[PushSender]:
    with PushSender(keys, SUBJECT, connect_timeout=1, read_timeout=2) as push_sender:
        yield push_sender


@pytest.fixture
def subscription(push: LocalPushService, keys: vapid.VapidKeys) -> dict[str, Any]:
    return push.new_subscription(application_server_key=keys.application_server_key)


def pools(session: requests.Session, origin: str) -> list[Any]:
    """The session's urllib3 connection pools (requests keys them by more than the URL)."""
    adapter = session.get_adapter(origin)
    assert isinstance(adapter, HTTPAdapter)
    manager = adapter.poolmanager
    return [manager.pools[key] for key in manager.pools.keys()]  # noqa: SIM118


def payload() -> bytes:
    return build(Kind.load_checkin, "/log", "load-7")


@pytest.mark.parametrize("subject", ["mailto:ops@circles.test", "https://circles.test/contact"])
def test_a_message_arrives_decrypted_with_the_exact_payload_and_headers(
    push: LocalPushService, keys: vapid.VapidKeys, subscription: dict[str, Any], subject: str
) -> None:
    body = build(Kind.meetup_hour, "/meetups/7", "meetup-7")
    topic = topic_for(Kind.meetup_hour, "user-1/meetup-7")

    with PushSender(keys, subject, connect_timeout=1, read_timeout=2) as sender:
        result = sender.send(
            subscription,
            body,
            ttl=ttl_for(Kind.meetup_hour),
            urgency=urgency_for(Kind.meetup_hour),
            topic=topic,
        )

    assert result == Result(Outcome.delivered, 201, None, "201")
    [delivery] = push.wait_for(1, timeout=1)
    assert delivery.payload == body
    assert delivery.json == {
        "title": "Circles",
        "body": "Your circle meets in an hour",
        "url": "/meetups/7",
        "tag": "meetup-7",
    }
    assert delivery.ttl == 3600
    assert delivery.headers["content-type"] == "application/octet-stream"
    assert delivery.headers["content-encoding"] == "aes128gcm"
    assert delivery.urgency == "high"
    assert delivery.topic == topic
    scheme, _, credentials = delivery.headers["authorization"].partition(" ")
    params = dict(part.strip().split("=", 1) for part in credentials.split(","))
    assert scheme == "vapid" and params["k"] == keys.application_server_key
    public_key = serialization.load_pem_public_key(keys.public_pem)
    claims = jwt.decode(params["t"], public_key, algorithms=["ES256"], audience=push.origin)  # type: ignore[arg-type]
    assert claims["sub"] == subject
    assert claims["aud"] == push.origin  # with the port, unlike webpush's own header
    assert 11 * 3600 < claims["exp"] - time.time() <= 12 * 3600


def test_a_flat_subscription_row_works_too(
    push: LocalPushService, sender: PushSender, subscription: dict[str, Any]
) -> None:
    row = {"endpoint": subscription["endpoint"], **subscription["keys"]}

    assert sender.send(row, payload(), **HEADERS).outcome is Outcome.delivered
    assert push.wait_for(1, timeout=1)[0].payload == payload()


@pytest.mark.parametrize("status", [201, 202])
def test_2xx_is_delivered(
    push: LocalPushService, sender: PushSender, subscription: dict[str, Any], status: int
) -> None:
    push.respond_with(status)

    result = sender.send(subscription, payload(), **HEADERS)

    assert (result.outcome, result.status) == (Outcome.delivered, status)
    assert not result.retryable


@pytest.mark.parametrize("status", [404, 410])
def test_404_and_410_mean_the_subscription_is_gone(
    push: LocalPushService, sender: PushSender, subscription: dict[str, Any], status: int
) -> None:
    push.respond_with(status, endpoint=subscription["endpoint"])

    result = sender.send(subscription, payload(), **HEADERS)

    assert (result.outcome, result.status) == (Outcome.gone, status)


def test_a_forgotten_subscription_is_gone(
    push: LocalPushService, sender: PushSender, subscription: dict[str, Any]
) -> None:
    push.forget(subscription["endpoint"])

    result = sender.send(subscription, payload(), **HEADERS)

    assert (result.outcome, result.status) == (Outcome.gone, 410)
    assert "gone" in result.detail


def test_413_is_a_payload_error(
    push: LocalPushService, sender: PushSender, subscription: dict[str, Any]
) -> None:
    push.respond_with(413)

    result = sender.send(subscription, payload(), **HEADERS)

    assert (result.outcome, result.status) == (Outcome.payload_error, 413)
    assert not result.retryable


def test_429_honours_retry_after(
    push: LocalPushService, sender: PushSender, subscription: dict[str, Any]
) -> None:
    push.respond_with(429, retry_after=7)

    result = sender.send(subscription, payload(), **HEADERS)

    assert result.outcome is Outcome.retry_later
    assert (result.status, result.retry_after) == (429, 7.0)
    assert result.retryable and result.next_delay(5) == 7.0


def test_503_is_retry_later_with_or_without_retry_after(
    push: LocalPushService, sender: PushSender, subscription: dict[str, Any]
) -> None:
    push.respond_with(503, retry_after=120, times=1)
    first = sender.send(subscription, payload(), **HEADERS)
    push.respond_with(503)
    second = sender.send(subscription, payload(), **HEADERS)

    assert (first.outcome, first.status, first.retry_after) == (Outcome.retry_later, 503, 120.0)
    assert (second.outcome, second.retry_after) == (Outcome.retry_later, None)
    assert second.next_delay(2, rng=lambda: 1.0) == BACKOFF_BASE * 4


@pytest.mark.parametrize("status", [500, 502, 504])
def test_other_5xx_is_retry(
    push: LocalPushService, sender: PushSender, subscription: dict[str, Any], status: int
) -> None:
    push.respond_with(status)

    result = sender.send(subscription, payload(), **HEADERS)

    assert (result.outcome, result.status, result.retry_after) == (Outcome.retry, status, None)


def test_a_hanging_service_is_retry_after_the_read_timeout(
    push: LocalPushService, keys: vapid.VapidKeys, subscription: dict[str, Any]
) -> None:
    push.hang(5, endpoint=subscription["endpoint"])

    with PushSender(keys, SUBJECT, connect_timeout=1, read_timeout=0.5) as sender:
        started = time.monotonic()
        result = sender.send(subscription, payload(), **HEADERS)
        elapsed = time.monotonic() - started

    assert (result.outcome, result.status) == (Outcome.retry, None)
    assert "timeout" in result.detail
    assert 0.4 < elapsed < 1.5


@pytest.mark.parametrize("status", [400, 401, 403])
def test_400_401_403_are_config_errors(
    push: LocalPushService, sender: PushSender, subscription: dict[str, Any], status: int
) -> None:
    push.respond_with(status)

    result = sender.send(subscription, payload(), **HEADERS)

    assert (result.outcome, result.status) == (Outcome.config_error, status)
    assert not result.retryable


def test_a_subscription_bound_to_another_key_is_a_config_error(
    push: LocalPushService, sender: PushSender
) -> None:
    other = vapid.generate()
    subscription = push.new_subscription(application_server_key=other.application_server_key)

    result = sender.send(subscription, payload(), **HEADERS)

    assert (result.outcome, result.status) == (Outcome.config_error, 403)
    [rejection] = push.rejections()
    assert "differs" in rejection.reason
    assert push.deliveries() == []


def test_connection_refused_is_retry(push: LocalPushService, sender: PushSender) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subscription = push.new_subscription()
    subscription["endpoint"] = f"http://127.0.0.1:{port}/push/nobody"

    result = sender.send(subscription, payload(), **HEADERS)

    assert (result.outcome, result.status, result.retry_after) == (Outcome.retry, None, None)
    assert "network error" in result.detail


def test_an_oversize_payload_is_a_payload_error_and_nothing_is_sent(
    push: LocalPushService, sender: PushSender, subscription: dict[str, Any]
) -> None:
    result = sender.send(subscription, b"x" * 4000, **HEADERS)

    assert (result.outcome, result.status) == (Outcome.payload_error, None)
    assert "too large" in result.detail
    assert push.deliveries() == [] and push.rejections() == []


def test_the_largest_payload_that_fits_is_sent(
    push: LocalPushService, sender: PushSender, subscription: dict[str, Any]
) -> None:
    # 4096 bytes encrypted: 86 header bytes, 1 padding delimiter, 16 tag bytes.
    body = b"y" * (4096 - 103)

    assert sender.send(subscription, body, **HEADERS).outcome is Outcome.delivered
    assert sender.send(subscription, body + b"y", **HEADERS).outcome is Outcome.payload_error
    assert [d.payload for d in push.deliveries()] == [body]


def test_several_sends_reuse_one_connection(
    push: LocalPushService, sender: PushSender, subscription: dict[str, Any]
) -> None:
    other = push.new_subscription()
    for target in (subscription, other, subscription, other):
        assert sender.send(target, payload(), **HEADERS).outcome is Outcome.delivered

    [pool] = pools(sender.session, push.origin)
    assert pool.num_requests == 4
    assert pool.num_connections == 1
    assert len(push.deliveries()) == 4


def test_a_broken_subscription_is_gone_without_a_request(
    push: LocalPushService, sender: PushSender, subscription: dict[str, Any]
) -> None:
    bad_key = {**subscription, "keys": {**subscription["keys"], "p256dh": "AAAA"}}
    bad_auth = {**subscription, "keys": {**subscription["keys"], "auth": "c2hvcnQ"}}
    bad_endpoint = {**subscription, "endpoint": "ftp://127.0.0.1/push/x"}

    for broken in (bad_key, bad_auth, bad_endpoint):
        assert sender.send(broken, payload(), **HEADERS).outcome is Outcome.gone
    assert push.deliveries() == [] and push.rejections() == []


def test_an_endpoint_off_the_allow_list_is_not_contacted(
    push: LocalPushService, keys: vapid.VapidKeys, subscription: dict[str, Any]
) -> None:
    with PushSender(keys, SUBJECT, endpoint_allowed=allowed_endpoint) as strict:
        refused = strict.send(subscription, payload(), **HEADERS)
    with PushSender(
        keys, SUBJECT, endpoint_allowed=lambda url: allowed_endpoint(url, (), True)
    ) as widened:
        accepted = widened.send(subscription, payload(), **HEADERS)

    assert (refused.outcome, refused.status) == (Outcome.config_error, None)
    assert accepted.outcome is Outcome.delivered
    assert len(push.deliveries()) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"ttl": 0, "urgency": "normal", "topic": "t"},
        {"ttl": -5, "urgency": "normal", "topic": "t"},
        {"ttl": 60, "urgency": "urgent", "topic": "t"},
        {"ttl": 60, "urgency": "normal", "topic": "x" * 33},
        {"ttl": 60, "urgency": "normal", "topic": "no spaces"},
        {"ttl": 60, "urgency": "normal", "topic": ""},
    ],
)
def test_caller_mistakes_raise(
    sender: PushSender, subscription: dict[str, Any], headers: dict[str, Any]
) -> None:
    with pytest.raises(ValueError, match=r"ttl|urgency|topic"):
        sender.send(subscription, payload(), **headers)


def test_a_subscription_without_its_fields_raises(sender: PushSender) -> None:
    with pytest.raises(ValueError, match="endpoint, p256dh and auth"):
        sender.send({"endpoint": "https://fcm.googleapis.com/x"}, payload(), **HEADERS)


@pytest.mark.parametrize("subject", ["ops@circles.test", "http://circles.test", "mailto:", ""])
def test_the_subject_must_be_mailto_or_https(keys: vapid.VapidKeys, subject: str) -> None:
    with pytest.raises(ValueError, match="subject"):
        PushSender(keys, subject)


def test_a_session_passed_in_is_used_and_left_open(
    push: LocalPushService, keys: vapid.VapidKeys, subscription: dict[str, Any]
) -> None:
    with requests.Session() as session:
        with PushSender(keys, SUBJECT, session=session) as sender:
            assert sender.session is session
            assert sender.send(subscription, payload(), **HEADERS).outcome is Outcome.delivered
        [pool] = pools(session, push.origin)
        assert pool.num_requests == 1


def test_the_authorization_uses_the_default_port_less_origin_for_https(
    keys: vapid.VapidKeys,
) -> None:
    with PushSender(keys, "https://circles.test/") as sender:
        header = sender.authorization("https://fcm.googleapis.com:443/fcm/send/abc", now=1000.0)
    token = header.removeprefix("vapid t=").split(",")[0]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims == {
        "aud": "https://fcm.googleapis.com",
        "exp": 1000 + 12 * 3600,
        "sub": "https://circles.test/",
    }
    assert header.endswith(f", k={VAPID.get_application_server_key(_public(keys))}")


def _public(keys: vapid.VapidKeys) -> Any:
    return serialization.load_pem_public_key(keys.public_pem)


# -- backoff and Retry-After ------------------------------------------------------------------


def test_backoff_grows_is_capped_and_jittered() -> None:
    ceilings = [backoff(attempt, rng=lambda: 1.0) for attempt in range(20)]

    assert ceilings[:4] == [30.0, 60.0, 120.0, 240.0]
    assert all(a <= b for a, b in itertools.pairwise(ceilings))
    assert max(ceilings) == BACKOFF_CAP == 6 * 3600
    assert backoff(10_000, rng=lambda: 1.0) == BACKOFF_CAP
    assert backoff(3, rng=lambda: 0.0) == 0.0
    assert backoff(3, rng=lambda: 0.5) == 120.0
    samples = {backoff(6) for _ in range(50)}
    assert len(samples) > 40 and all(0 <= s <= 30 * 64 for s in samples)
    with pytest.raises(ValueError, match="attempt"):
        backoff(-1)


def test_retry_after_takes_seconds_or_an_http_date() -> None:
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(minutes=5), usegmt=True), now) == 300
    assert parse_retry_after("Sat, 01 Mar 2025 11:00:00 GMT", now) == 0.0
    assert parse_retry_after(str(10 * 86400), now) == MAX_RETRY_AFTER
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") is None


# -- endpoint allow-list ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/QGx",
        "https://api.push.apple.com/3/device/abc",
        "https://wns2-by3p.notify.windows.com/w/?token=abc",
        "https://fcm.googleapis.com:443/fcm/send/abc",
    ],
)
def test_known_push_services_are_allowed(url: str) -> None:
    assert allowed_endpoint(url)
    assert allowed_endpoint(url, DEFAULT_ALLOWED_HOSTS, allow_http_localhost=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://fcm.googleapis.com:8443/fcm/send/abc",
        "https://fcm.googleapis.com.evil.example/x",
        "https://evilfcm.googleapis.com/x",
        "https://push.apple.com/x",
        "https://notify.windows.com.evil.example/x",
        "https://user@fcm.googleapis.com/x",
        "https://169.254.169.254/latest/meta-data",
        "http://127.0.0.1:8000/push/x",
        "file:///etc/passwd",
        "not a url",
        "https://[::1/x",
    ],
)
def test_other_endpoints_are_refused(url: str) -> None:
    assert not allowed_endpoint(url)


def test_tests_may_allow_http_on_localhost() -> None:
    assert allowed_endpoint("http://127.0.0.1:8123/push/x", (), allow_http_localhost=True)
    assert allowed_endpoint("http://[::1]:8123/push/x", (), allow_http_localhost=True)
    assert not allowed_endpoint("http://10.0.0.1:8123/push/x", (), allow_http_localhost=True)
    assert not allowed_endpoint("https://fcm.googleapis.com/x", (), allow_http_localhost=True)
    assert allowed_endpoint("https://push.example/x", ["push.example"])


# -- the recording sender ---------------------------------------------------------------------


def test_recording_sender_records_and_answers_as_told() -> None:
    recorder = RecordingSender()
    subscription = {"endpoint": "https://fcm.googleapis.com/x", "p256dh": "k", "auth": "a"}

    first = recorder.send(subscription, payload(), **HEADERS)
    recorder.result = Result(Outcome.gone, 410, None, "410")
    second = recorder.send(subscription, payload(), **HEADERS)
    recorder.result = lambda call: Result(Outcome.retry_later, 429, float(call.ttl), "429")
    third = recorder.send(subscription, payload(), ttl=60, urgency="low", topic="t")

    assert first.outcome is Outcome.delivered
    assert second.outcome is Outcome.gone
    assert third.retry_after == 60.0
    assert [call.ttl for call in recorder.calls] == [3600, 3600, 60]
    assert recorder.calls[0].endpoint == "https://fcm.googleapis.com/x"
    assert recorder.calls[0].json["body"] == "Time to check in with a peer"
    with pytest.raises(ValueError, match="ttl"):
        recorder.send(subscription, payload(), ttl=0, urgency="low", topic="t")
