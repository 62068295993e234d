"""A local Web Push service for tests, checking what FCM or Mozilla autopush would check.

Each ``POST /push/<id>`` is judged like a real push service judges it: the VAPID
``Authorization`` header (RFC 8292), the ``TTL``, ``Content-Encoding``, ``Topic`` and
``Urgency`` headers (RFC 8030), the 4096-byte body limit, and, going further than a real
service can, the aes128gcm encryption (RFC 8291): the service holds each subscription's
private key and auth secret, so it decrypts the body the way the browser would and rejects
what a browser could not read. Accepted messages are answered ``201 Created`` with a
``Location`` and kept as :class:`Delivery` records; rejected ones are kept as
:class:`Rejection` records with the reason.

Behaviour switches (:meth:`LocalPushService.respond_with`, :meth:`LocalPushService.hang`,
:meth:`LocalPushService.forget`) simulate a push service that is busy, broken, slow or has
dropped a subscription.

Note on ``aud``: RFC 8292 wants the origin of the push resource, which here carries a
non-default port (``http://127.0.0.1:PORT``). The ``webpush`` package (1.0.6) builds ``aud``
as ``scheme://host`` and drops the port, which is harmless against real services on port
443. By default the service accepts both forms; pass ``strict_aud=True`` to accept only
the exact origin.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
import secrets
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import http_ece
import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

MAX_PAYLOAD_BYTES = 4096
"""Largest encrypted body a push service takes (RFC 8030 section 7.2 minimum; FCM, autopush)."""

MAX_VAPID_LIFETIME = 24 * 60 * 60
"""``exp`` may be at most this many seconds ahead (RFC 8292 section 2)."""

MAX_TTL = 28 * 24 * 60 * 60
"""TTL the service keeps at most; a larger one is clamped and echoed back (FCM: 4 weeks)."""

_READ_LIMIT = 1024 * 1024
_TOPIC = re.compile(r"[A-Za-z0-9_-]{1,32}")
_URGENCIES = frozenset({"very-low", "low", "normal", "high"})
_PUSH_PATH = re.compile(r"/push/([A-Za-z0-9_-]+)")


def b64url_encode(data: bytes) -> str:
    """URL-safe base64 without padding, as the Push API and VAPID use it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode URL-safe base64 with or without padding; raises ``ValueError`` when invalid."""
    text = text.strip()
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError(f"not base64url: {text[:20]!r}") from error


class Headers(dict[str, str]):
    """Request headers with lower-case keys; lookups ignore case (``headers["TTL"]``)."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__()
        for name, value in items:
            self[name] = value

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key.lower(), value)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return super().__contains__(key.lower() if isinstance(key, str) else key)

    def get(self, key: str, default: Any = None) -> Any:
        """The header's value, or ``default`` when absent (case-insensitive)."""
        return super().get(key.lower(), default)


@dataclass(frozen=True)
class Delivery:
    """A push message the service accepted (answered 2xx)."""

    subscription_id: str
    endpoint: str
    headers: Headers
    payload: bytes
    json: Any
    received_at: datetime

    @property
    def ttl(self) -> int:
        """The TTL the sender asked for."""
        return int(self.headers["ttl"])

    @property
    def topic(self) -> str | None:
        """The ``Topic`` header, if any."""
        value: str | None = self.headers.get("topic")
        return value

    @property
    def urgency(self) -> str | None:
        """The ``Urgency`` header, if any."""
        value: str | None = self.headers.get("urgency")
        return value


@dataclass(frozen=True)
class Rejection:
    """A request the service refused, with the status it answered and why."""

    subscription_id: str | None
    endpoint: str
    status: int
    reason: str
    headers: Headers
    received_at: datetime


@dataclass
class _Subscription:
    id: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    application_server_key: bytes | None
    gone: bool = False


@dataclass
class _Override:
    status: int
    retry_after: int | None
    remaining: int | None  # None: until reset


@dataclass
class _Behaviour:
    overrides: dict[str | None, _Override] = field(default_factory=dict)
    hangs: dict[str | None, float] = field(default_factory=dict)


class _Refused(Exception):
    """A check failed: answer ``status`` and record ``reason``."""

    def __init__(self, status: int, reason: str, errno: int | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.errno = errno


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    push: LocalPushService

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet about clients that hung up (timeouts are tested on purpose)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # idle keep-alive connections give up after this many seconds
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.push._track(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.push._untrack(self.connection)

    def version_string(self) -> str:
        """The ``Server`` header."""
        return "LocalPush/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """No access log on stderr."""

    def do_POST(self) -> None:
        """Judge and answer one push message."""
        try:
            self.server.push._handle(self)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True

    def _not_allowed(self) -> None:
        self._discard_body()
        self.answer(HTTPStatus.METHOD_NOT_ALLOWED, {"Allow": "POST"}, _error_body(405, None, ""))

    do_GET = do_PUT = do_DELETE = do_PATCH = _not_allowed

    def _discard_body(self) -> None:
        with contextlib.suppress(ValueError, OSError):
            self.read_body()

    def read_body(self) -> bytes:
        """The request body (Content-Length or chunked); raises ``ValueError`` when too big."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            size = 0
            while True:
                length = int(self.rfile.readline(64).split(b";")[0].strip() or b"0", 16)
                if length == 0:
                    while self.rfile.readline(1024).strip():
                        pass
                    return b"".join(chunks)
                size += length
                if size > _READ_LIMIT:
                    self.close_connection = True
                    raise ValueError("body too large")
                chunks.append(self.rfile.read(length))
                self.rfile.readline(8)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > _READ_LIMIT:
            self.close_connection = True
            raise ValueError("body too large")
        return self.rfile.read(length) if length else b""

    def answer(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
        """Send a complete response."""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if body:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(body)
        self.wfile.flush()


def _error_body(status: int, errno: int | None, message: str) -> bytes:
    """An error document shaped like autopush's."""
    document: dict[str, Any] = {
        "code": status,
        "errno": errno if errno is not None else 999,
        "error": HTTPStatus(status).phrase,
        "message": message,
    }
    return json.dumps(document).encode()


class LocalPushService:
    """A Web Push service on ``127.0.0.1:<free port>`` that keeps what it receives.

    Use as a context manager, or call :meth:`start` and :meth:`stop`::

        with LocalPushService() as push:
            subscription = push.new_subscription()
            ...  # the app POSTs to subscription["endpoint"]
            [delivery] = push.wait_for(1)
            assert delivery.json == {"title": "Meetup tomorrow"}
    """

    def __init__(self, *, strict_aud: bool = False) -> None:
        """``strict_aud``: accept only ``aud == origin`` (not also the port-less origin)."""
        self.strict_aud = strict_aud
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._subscriptions: dict[str, _Subscription] = {}
        self._deliveries: list[Delivery] = []
        self._rejections: list[Rejection] = []
        self._behaviour = _Behaviour()
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._holding = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> Self:
        """Listen on a free port and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("already started")
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.push = self
        self._server = server
        self._port = int(server.server_address[1])
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"local-push-{self._port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; hanging handlers are released and open connections closed."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=2)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The TCP port the service listens on (0 before :meth:`start`)."""
        return self._port

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``: the ``aud`` a VAPID token must name."""
        if not self._port:
            raise RuntimeError("start the service first")
        return f"http://127.0.0.1:{self._port}"

    # -- subscriptions -------------------------------------------------------------------

    def new_subscription(self, application_server_key: str | None = None) -> dict[str, Any]:
        """A browser-style ``PushSubscription.toJSON()`` for a fresh subscription.

        ``application_server_key`` (base64url of the VAPID public key, as passed to
        ``pushManager.subscribe``) binds the subscription to that key: messages signed
        with another key are then refused with 403, as FCM does.
        """
        private_key = ec.generate_private_key(ec.SECP256R1())
        public_point = private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        auth_secret = secrets.token_bytes(16)
        subscription_id = secrets.token_urlsafe(24)
        endpoint = f"{self.origin}/push/{subscription_id}"
        server_key = b64url_decode(application_server_key) if application_server_key else None
        with self._lock:
            self._subscriptions[subscription_id] = _Subscription(
                id=subscription_id,
                endpoint=endpoint,
                private_key=private_key,
                auth_secret=auth_secret,
                application_server_key=server_key,
            )
        return {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url_encode(public_point), "auth": b64url_encode(auth_secret)},
        }

    def subscription_id(self, endpoint_or_id: str) -> str:
        """The id in ``/push/<id>`` for an endpoint URL (an id is returned as is)."""
        if "/" not in endpoint_or_id:
            return endpoint_or_id
        match = _PUSH_PATH.fullmatch(urlsplit(endpoint_or_id).path)
        if not match:
            raise ValueError(f"not a push endpoint: {endpoint_or_id}")
        return match.group(1)

    def forget(self, endpoint: str) -> None:
        """Drop the subscription: from now on it is answered 410 Gone (not undone by reset)."""
        subscription_id = self.subscription_id(endpoint)
        with self._lock:
            self._subscriptions[subscription_id].gone = True

    # -- behaviour switches ----------------------------------------------------------------

    def respond_with(
        self,
        status: int,
        retry_after: int | None = None,
        endpoint: str | None = None,
        *,
        times: int | None = None,
    ) -> None:
        """Answer ``status`` (with ``Retry-After`` if given) instead of judging the message.

        ``endpoint`` (URL or id) limits this to one subscription, else it applies to all.
        ``times`` limits it to that many requests (then normal answers resume); by default
        it lasts until :meth:`reset_behaviour`. A 2xx ``status`` still checks the message
        and only replaces the 201 of a success.
        """
        key = self.subscription_id(endpoint) if endpoint else None
        with self._lock:
            self._behaviour.overrides[key] = _Override(status, retry_after, times)

    def hang(self, seconds: float, endpoint: str | None = None) -> None:
        """Wait ``seconds`` before handling each request (for client timeout tests).

        After the wait the request is judged and answered as usual, so a message whose
        client gave up may still be delivered, as with a real service. :meth:`stop`
        cuts the wait short; the request is then dropped unanswered.
        """
        key = self.subscription_id(endpoint) if endpoint else None
        with self._lock:
            self._behaviour.hangs[key] = seconds

    def wait_until_holding(self, timeout: float = 10.0) -> None:
        """Return once a request is being held by :meth:`hang` (a client is waiting on us)."""
        if not self._holding.wait(timeout):
            raise AssertionError(f"no request reached the hanging push service within {timeout}s")

    def reset_behaviour(self) -> None:
        """Undo every :meth:`respond_with` and :meth:`hang`; forgotten subscriptions stay gone."""
        with self._lock:
            self._behaviour = _Behaviour()

    # -- what arrived ----------------------------------------------------------------------

    def deliveries(self, endpoint: str | None = None) -> list[Delivery]:
        """Accepted messages in arrival order, all or for one endpoint (URL or id)."""
        wanted = self.subscription_id(endpoint) if endpoint else None
        with self._lock:
            return [d for d in self._deliveries if wanted in (None, d.subscription_id)]

    def rejections(self, endpoint: str | None = None) -> list[Rejection]:
        """Refused requests in arrival order, all or for one endpoint (URL or id)."""
        wanted = self.subscription_id(endpoint) if endpoint else None
        with self._lock:
            return [r for r in self._rejections if wanted in (None, r.subscription_id)]

    def wait_for(
        self, count: int, timeout: float = 5.0, endpoint: str | None = None
    ) -> list[Delivery]:
        """Wait until at least ``count`` messages were accepted; returns them all.

        Raises ``AssertionError`` (listing the rejections) after ``timeout`` seconds.
        """
        wanted = self.subscription_id(endpoint) if endpoint else None
        deadline = time.monotonic() + timeout

        def matching() -> list[Delivery]:
            return [d for d in self._deliveries if wanted in (None, d.subscription_id)]

        with self._arrived:
            while len(found := matching()) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    reasons = [f"{r.status} {r.reason}" for r in self._rejections]
                    raise AssertionError(
                        f"{len(found)} of {count} push messages within {timeout}s; "
                        f"rejected: {reasons}"
                    )
                self._arrived.wait(remaining)
            return found

    def clear(self) -> None:
        """Forget the recorded deliveries and rejections (subscriptions stay)."""
        with self._lock:
            self._deliveries.clear()
            self._rejections.clear()

    # -- request handling (called on handler threads) -----------------------------------------

    def _track(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)

    def _untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def _handle(self, request: _Handler) -> None:
        received_at = datetime.now(UTC)
        headers = Headers(request.headers.items())
        match = _PUSH_PATH.fullmatch(urlsplit(request.path).path)
        subscription_id = match.group(1) if match else None
        endpoint = f"{self.origin}{urlsplit(request.path).path}"

        with self._lock:
            pause = self._behaviour.hangs.get(subscription_id, self._behaviour.hangs.get(None))
        if pause:
            self._holding.set()
        if pause and self._stopping.wait(pause):
            request.close_connection = True
            return

        try:
            body = request.read_body()
        except ValueError:
            body = None
        except TimeoutError:
            request.close_connection = True
            return

        extra: dict[str, str] = {}
        try:
            subscription = self._subscription_for(subscription_id)
            success_status = self._forced_status(subscription.id, extra)
            if body is None or len(body) > MAX_PAYLOAD_BYTES:
                raise _Refused(413, f"body larger than {MAX_PAYLOAD_BYTES} bytes", 104)
            self._check_vapid(headers, subscription)
            ttl = self._check_headers(headers, body)
            payload = self._decrypt(body, subscription)
        except _Refused as refused:
            with self._arrived:
                self._rejections.append(
                    Rejection(
                        subscription_id,
                        endpoint,
                        refused.status,
                        refused.reason,
                        headers,
                        received_at,
                    )
                )
                self._arrived.notify_all()
            request.answer(
                refused.status, extra, _error_body(refused.status, refused.errno, refused.reason)
            )
            return

        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = None
        delivery = Delivery(subscription.id, endpoint, headers, payload, parsed, received_at)
        with self._arrived:
            self._deliveries.append(delivery)
            self._arrived.notify_all()
        location = f"{self.origin}/m/{secrets.token_urlsafe(16)}"
        request.answer(success_status, {"Location": location, "TTL": str(min(ttl, MAX_TTL))})

    def _subscription_for(self, subscription_id: str | None) -> _Subscription:
        with self._lock:
            subscription = self._subscriptions.get(subscription_id or "")
        if subscription is None:
            raise _Refused(404, "no such subscription", 102)
        if subscription.gone:
            raise _Refused(410, "subscription is gone", 103)
        return subscription

    def _forced_status(self, subscription_id: str, extra: dict[str, str]) -> int:
        """Apply a :meth:`respond_with` switch: raise for an error, else the success status."""
        with self._lock:
            overrides = self._behaviour.overrides
            key = subscription_id if subscription_id in overrides else None
            override = overrides.get(key)
            if override is None:
                return 201
            if override.remaining is not None:
                override.remaining -= 1
                if override.remaining <= 0:
                    del overrides[key]
        if override.retry_after is not None:
            extra["Retry-After"] = str(override.retry_after)
        if 200 <= override.status < 300:
            return override.status
        raise _Refused(override.status, f"forced by respond_with({override.status})")

    def _check_vapid(self, headers: Headers, subscription: _Subscription) -> None:
        token, key_text = _vapid_credentials(headers)
        try:
            key_bytes = b64url_decode(key_text)
            public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), key_bytes)
        except ValueError as error:
            raise _Refused(401, f"VAPID key k is not a P-256 point: {error}", 109) from error
        if len(key_bytes) != 65:
            raise _Refused(401, "VAPID key k must be an uncompressed P-256 point", 109)
        if (
            subscription.application_server_key is not None
            and key_bytes != subscription.application_server_key
        ):
            raise _Refused(403, "VAPID key differs from the subscription's key", 109)
        try:
            claims = jwt.decode(
                token,
                public_key,
                algorithms=["ES256"],
                options={"verify_exp": False, "verify_aud": False, "verify_iat": False},
            )
        except jwt.InvalidSignatureError as error:
            raise _Refused(403, "VAPID signature does not verify with k", 109) from error
        except jwt.InvalidTokenError as error:
            raise _Refused(401, f"VAPID token invalid: {error}", 109) from error

        allowed = {self.origin}
        if not self.strict_aud:
            allowed.add("http://127.0.0.1")
        if claims.get("aud") not in allowed:
            raise _Refused(401, f"VAPID aud {claims.get('aud')!r} is not {self.origin!r}", 109)
        exp = claims.get("exp")
        now = time.time()
        if not isinstance(exp, int) or isinstance(exp, bool):
            raise _Refused(401, "VAPID exp missing or not an integer", 109)
        if exp <= now:
            raise _Refused(401, "VAPID token expired", 109)
        if exp > now + MAX_VAPID_LIFETIME:
            raise _Refused(401, "VAPID exp more than 24 hours ahead", 109)
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub.startswith(("mailto:", "https:")):
            raise _Refused(401, f"VAPID sub {sub!r} is not a mailto: or https: URL", 109)

    def _check_headers(self, headers: Headers, body: bytes) -> int:
        """TTL, Content-Encoding, Topic and Urgency; returns the TTL."""
        ttl_text = headers.get("ttl")
        if ttl_text is None:
            raise _Refused(400, "missing TTL header", 111)
        if not ttl_text.strip().isdigit():
            raise _Refused(400, f"TTL {ttl_text!r} is not a non-negative integer", 111)
        encoding = headers.get("content-encoding")
        if body and encoding is None:
            raise _Refused(400, "missing Content-Encoding for an encrypted body", 110)
        if body and encoding.strip().lower() != "aes128gcm":
            raise _Refused(415, f"unsupported Content-Encoding {encoding!r}", 110)
        topic = headers.get("topic")
        if topic is not None and not _TOPIC.fullmatch(topic):
            raise _Refused(400, "Topic must be 1-32 URL-safe base64 characters", 113)
        urgency = headers.get("urgency")
        if urgency is not None and urgency.strip().lower() not in _URGENCIES:
            raise _Refused(400, f"unknown Urgency {urgency!r}", 112)
        return int(ttl_text)

    def _decrypt(self, body: bytes, subscription: _Subscription) -> bytes:
        if not body:
            return b""
        try:
            payload: bytes = http_ece.decrypt(
                body,
                private_key=subscription.private_key,
                auth_secret=subscription.auth_secret,
                version="aes128gcm",
            )
        except Exception as error:  # http_ece raises several kinds for bad input
            raise _Refused(400, f"cannot decrypt the body: {error}", 110) from error
        return payload


def _vapid_credentials(headers: Headers) -> tuple[str, str]:
    """The JWT and the public key from ``vapid t=..., k=...`` or ``WebPush`` + ``Crypto-Key``."""
    authorization = (headers.get("authorization") or "").strip()
    if not authorization:
        raise _Refused(401, "missing Authorization header", 109)
    scheme, _, rest = authorization.partition(" ")
    if scheme.lower() == "vapid":
        params: dict[str, str] = {}
        for part in rest.split(","):
            name, sep, value = part.strip().partition("=")
            if sep:
                params[name.strip().lower()] = value.strip().strip('"')
        if "t" not in params or "k" not in params:
            raise _Refused(401, "vapid Authorization needs t= and k=", 109)
        return params["t"], params["k"]
    if scheme.lower() == "webpush":
        token = rest.strip()
        for part in re.split(r"[;,]", headers.get("crypto-key") or ""):
            name, sep, value = part.strip().partition("=")
            if sep and name.strip().lower() == "p256ecdsa":
                return token, value.strip().strip('"')
        raise _Refused(401, "WebPush Authorization needs Crypto-Key: p256ecdsa=", 109)
    raise _Refused(401, f"unsupported Authorization scheme {scheme!r}", 109)


__all__ = [
    "MAX_PAYLOAD_BYTES",
    "Delivery",
    "Headers",
    "LocalPushService",
    "Rejection",
    "b64url_decode",
    "b64url_encode",
]
