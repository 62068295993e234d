"""Send one Web Push message and say what to do next (DESIGN.md section 6).

``webpush`` encrypts the body (RFC 8291, aes128gcm). The VAPID ``Authorization`` header
(RFC 8292) is built here, not by ``webpush``: that library always writes ``sub`` as
``mailto:<subscriber>`` (so an ``https:`` contact cannot be expressed) and leaves the port
out of ``aud``. Here ``sub`` is exactly the configured subject and ``aud`` is the origin of
the endpoint. The headers ``webpush`` leaves out or gets wrong are set on every message:
``TTL`` (never 0), ``Content-Type``, ``Urgency`` and ``Topic``.

:meth:`PushSender.send` never raises for what the network or the push service does; it
returns a :class:`Result` whose :class:`Outcome` tells the caller what to do with the
subscription and the outbox row.
"""

from __future__ import annotations

import binascii
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, Self
from urllib.parse import urlsplit

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from webpush import WebPush
from webpush.types import WebPushSubscription

from circles.push.endpoints import DEFAULT_ALLOWED_HOSTS, allowed_endpoint
from circles.push.outcomes import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    MAX_RETRY_AFTER,
    Outcome,
    Result,
    backoff,
    parse_retry_after,
)
from circles.push.vapid import VapidKeys, b64url_decode

log = logging.getLogger(__name__)

MAX_BODY_BYTES: Final = 4096
"""Largest encrypted body push services accept (RFC 8030 section 7.2; FCM, autopush)."""

VAPID_LIFETIME: Final = 12 * 60 * 60
"""Seconds a VAPID token is valid (RFC 8292 allows at most 24 hours)."""

URGENCIES: Final = frozenset({"very-low", "low", "normal", "high"})

_TOPIC: Final = re.compile(r"[A-Za-z0-9_-]{1,32}")


def _origin(endpoint: str) -> str:
    """The RFC 6454 origin of the endpoint: ``aud`` of the VAPID token."""
    parts = urlsplit(endpoint)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"https": 443, "http": 80}.get(scheme)
    port = parts.port
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


def _check_subject(subject: str) -> str:
    if subject.startswith("mailto:") and "@" in subject[len("mailto:") :]:
        return subject
    if subject.startswith("https://") and urlsplit(subject).hostname:
        return subject
    raise ValueError("VAPID subject must be a 'mailto:' address or an 'https://' URL")


def _subscription_fields(subscription: Mapping[str, Any]) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) from a flat row or a browser ``PushSubscription.toJSON()``."""
    keys = subscription.get("keys")
    source: Mapping[str, Any] = keys if isinstance(keys, Mapping) else subscription
    fields = (subscription.get("endpoint"), source.get("p256dh"), source.get("auth"))
    if not all(isinstance(value, str) and value for value in fields):
        raise ValueError("a subscription needs endpoint, p256dh and auth strings")
    endpoint, p256dh, auth = fields
    return str(endpoint), str(p256dh), str(auth)


def _unusable(endpoint: str, p256dh: str, auth: str) -> str | None:
    """Why the browser-supplied subscription can never be delivered to, or None."""
    if urlsplit(endpoint).scheme not in ("http", "https") or not urlsplit(endpoint).hostname:
        return "endpoint is not an http(s) URL"
    try:
        point = b64url_decode(p256dh)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        secret = b64url_decode(auth)
    except (ValueError, binascii.Error):
        return "subscription keys are not valid"
    if len(point) != 65 or len(secret) != 16:
        return "subscription keys have the wrong length"
    return None


class Sender(Protocol):
    """What the delivery worker needs: :class:`PushSender` or :class:`RecordingSender`."""

    def send(
        self,
        subscription: Mapping[str, Any],
        payload: bytes,
        *,
        ttl: int,
        urgency: str,
        topic: str,
    ) -> Result: ...


def _check_headers(ttl: int, urgency: str, topic: str) -> None:
    if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl <= 0:
        raise ValueError("ttl must be a positive number of seconds")
    if urgency not in URGENCIES:
        raise ValueError(f"urgency must be one of {sorted(URGENCIES)}")
    if not _TOPIC.fullmatch(topic):
        raise ValueError("topic must be 1-32 URL-safe base64 characters")


class PushSender:
    """Encrypts, signs and POSTs push messages over one reused HTTP session.

    ``subject`` is the VAPID contact, ``mailto:...`` or ``https://...``, sent as is.
    ``endpoint_allowed`` (e.g. ``functools.partial(allowed_endpoint, hosts)``) is checked
    before each POST; a refused endpoint is a ``config_error`` and nothing is sent.
    A session passed in is not closed by :meth:`close`.
    """

    def __init__(
        self,
        keys: VapidKeys,
        subject: str,
        connect_timeout: float = 3.05,
        read_timeout: float = 10,
        session: requests.Session | None = None,
        *,
        endpoint_allowed: Callable[[str], bool] | None = None,
    ) -> None:
        self.subject = _check_subject(subject)
        self.timeout = (connect_timeout, read_timeout)
        self.endpoint_allowed = endpoint_allowed
        self._owns_session = session is None
        self.session = session if session is not None else requests.Session()
        private_key = serialization.load_pem_private_key(keys.private_pem, password=None)
        if not isinstance(private_key, ec.EllipticCurvePrivateKey):
            raise ValueError("VAPID private key is not an EC key")
        self._private_key = private_key
        self._server_key = keys.application_server_key
        # Used for the encryption only; it never sees ttl (its get() would keep it).
        self._web_push: Any = WebPush(
            private_key=keys.private_pem,
            public_key=keys.public_pem,
            subscriber="unused@invalid",
        )

    def close(self) -> None:
        """Close the session's connections, if the session is ours."""
        if self._owns_session:
            self.session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        *_exc: object,
    ) -> None:
        self.close()

    def authorization(self, endpoint: str, now: float | None = None) -> str:
        """``vapid t=<ES256 JWT>, k=<public key>`` for ``endpoint`` (RFC 8292)."""
        claims = {
            "aud": _origin(endpoint),
            "exp": int(now if now is not None else time.time()) + VAPID_LIFETIME,
            "sub": self.subject,
        }
        token = jwt.encode(claims, self._private_key, algorithm="ES256", headers={"typ": "JWT"})
        return f"vapid t={token}, k={self._server_key}"

    def encrypt(self, subscription: Mapping[str, Any], payload: bytes) -> bytes:
        """The aes128gcm body for ``subscription`` (``webpush`` does the cryptography)."""
        endpoint, p256dh, auth = _subscription_fields(subscription)
        model = WebPushSubscription.model_validate(
            {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}
        )
        body: bytes = self._web_push.get(payload, model).encrypted
        return body

    def send(
        self,
        subscription: Mapping[str, Any],
        payload: bytes,
        *,
        ttl: int,
        urgency: str,
        topic: str,
    ) -> Result:
        """Encrypt ``payload`` for ``subscription``, POST it and classify the answer.

        ``ValueError`` for a caller's mistake (a missing subscription field, ttl <= 0, an
        unknown urgency, a bad topic); everything the network or the service does is a
        :class:`Result`.
        """
        _check_headers(ttl, urgency, topic)
        endpoint, p256dh, auth = _subscription_fields(subscription)
        host = urlsplit(endpoint).hostname or "?"
        reason = _unusable(endpoint, p256dh, auth)
        if reason is not None:
            return Result(Outcome.gone, None, None, reason)
        if self.endpoint_allowed is not None and not self.endpoint_allowed(endpoint):
            log.error("push endpoint host %s is not on the allow-list; not sending", host)
            return Result(Outcome.config_error, None, None, "endpoint not allowed")

        try:
            body = self.encrypt(subscription, payload)
        except ValueError as error:  # pydantic's ValidationError is one too
            return Result(Outcome.gone, None, None, f"cannot encrypt: {type(error).__name__}")
        if len(body) > MAX_BODY_BYTES:
            log.error("push body of %d bytes is over %d; not sending", len(body), MAX_BODY_BYTES)
            return Result(
                Outcome.payload_error, None, None, f"body of {len(body)} bytes is too large"
            )
        headers = {
            "Authorization": self.authorization(endpoint),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(ttl),
            "Urgency": urgency,
            "Topic": topic,
        }
        try:
            with self.session.post(
                endpoint,
                data=body,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            ) as response:
                content = response.content
                status = response.status_code
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
        except requests.Timeout as error:
            return Result(Outcome.retry, None, None, f"timeout: {type(error).__name__}")
        except requests.RequestException as error:
            return Result(Outcome.retry, None, None, f"network error: {type(error).__name__}")
        return _classify(status, retry_after, content, host)


def _service_message(content: bytes) -> str:
    """The push service's own short explanation (autopush and FCM send JSON or text)."""
    try:
        document = json.loads(content)
    except ValueError:
        text = content.decode("utf-8", "replace")
    else:
        text = str(document.get("message", "")) if isinstance(document, dict) else ""
    return " ".join(text.split())[:200]


def _classify(status: int, retry_after: float | None, content: bytes, host: str) -> Result:
    detail = f"{status} {_service_message(content)}".strip()
    if 200 <= status < 300:
        return Result(Outcome.delivered, status, None, detail)
    if status in (404, 410):
        return Result(Outcome.gone, status, None, detail)
    if status == 413:
        log.error("push service %s refused the payload as too large: %s", host, detail)
        return Result(Outcome.payload_error, status, None, detail)
    if status in (429, 503):
        return Result(Outcome.retry_later, status, retry_after, detail)
    if status >= 500:
        return Result(Outcome.retry, status, None, detail)
    # 400/401/403, and any other refusal or redirect: our request or VAPID setup is wrong.
    log.error("push service %s refused our request (check VAPID keys/subject): %s", host, detail)
    return Result(Outcome.config_error, status, None, detail)


@dataclass(frozen=True)
class SentMessage:
    """One call to :meth:`RecordingSender.send`."""

    subscription: dict[str, Any]
    payload: bytes
    ttl: int
    urgency: str
    topic: str

    @property
    def endpoint(self) -> str:
        """The subscription's endpoint."""
        return str(self.subscription.get("endpoint", ""))

    @property
    def json(self) -> Any:
        """The payload parsed as JSON."""
        return json.loads(self.payload)


@dataclass
class RecordingSender:
    """A :class:`Sender` for tests: records each call and answers ``result``.

    ``result`` is a :class:`Result` or a function of the :class:`SentMessage` (to answer
    per endpoint or per call); assign it at any time.
    """

    result: Result | Callable[[SentMessage], Result] = field(
        default_factory=lambda: Result(Outcome.delivered, 201, None, "recorded")
    )
    calls: list[SentMessage] = field(default_factory=list)

    def send(
        self,
        subscription: Mapping[str, Any],
        payload: bytes,
        *,
        ttl: int,
        urgency: str,
        topic: str,
    ) -> Result:
        """Record the call (after the same argument checks as :class:`PushSender`)."""
        _check_headers(ttl, urgency, topic)
        _subscription_fields(subscription)
        message = SentMessage(dict(subscription), bytes(payload), ttl, urgency, topic)
        self.calls.append(message)
        result = self.result
        return result if isinstance(result, Result) else result(message)


__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "DEFAULT_ALLOWED_HOSTS",
    "MAX_BODY_BYTES",
    "MAX_RETRY_AFTER",
    "Outcome",
    "PushSender",
    "RecordingSender",
    "Result",
    "Sender",
    "SentMessage",
    "allowed_endpoint",
    "backoff",
    "parse_retry_after",
]
