"""Web Push: VAPID keys, the fixed generic payloads, and sending with outcome classification.

Pure of Flask request state and of the database: the delivery worker gives it a
subscription, a payload and the headers, and acts on the :class:`Result`.
"""

from circles.push.payload import build, topic_for, ttl_for, urgency_for
from circles.push.sender import (
    DEFAULT_ALLOWED_HOSTS,
    Outcome,
    PushSender,
    RecordingSender,
    Result,
    Sender,
    allowed_endpoint,
    backoff,
)
from circles.push.vapid import VapidKeys, application_server_key, check_pair, load_or_create

__all__ = [
    "DEFAULT_ALLOWED_HOSTS",
    "Outcome",
    "PushSender",
    "RecordingSender",
    "Result",
    "Sender",
    "VapidKeys",
    "allowed_endpoint",
    "application_server_key",
    "backoff",
    "build",
    "check_pair",
    "load_or_create",
    "topic_for",
    "ttl_for",
    "urgency_for",
]
