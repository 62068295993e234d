"""The push payloads: fixed, generic words per kind, an opaque same-site url and a tag.

A push message can show on a locked screen, so nothing a user wrote, and no circle, peer or
prompt name, ever goes into one: :func:`build` takes no text but the kind, and the url and
tag are checked to be opaque (ids, not words). The service worker shows ``title`` and
``body``, opens ``url`` on a tap, and uses ``tag`` so a repeat replaces the earlier
notification on the device.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Final
from urllib.parse import urlsplit

from circles.services.reminders.kinds import Kind, words

MAX_PAYLOAD_BYTES: Final = 2048  # both shapes of the longest url; far below 4 KB
"""Our payloads stay far below this (push services take 4096 bytes encrypted)."""

MAX_URL_LENGTH: Final = 512
MAX_TAG_LENGTH: Final = 64

HOUR: Final = 60 * 60
DAY: Final = 24 * HOUR

# A path (with optional query and fragment) in printable ASCII without quotes, angle
# brackets, backslashes or spaces: nothing that needs escaping in JSON or HTML.
_URL = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?#]*")
_TAG = re.compile(r"[A-Za-z0-9._:-]+")


_TTLS: Final[dict[Kind, int]] = {
    Kind.meetup_soon: 6 * HOUR,
    Kind.meetup_hour: HOUR,
    Kind.rsvp_nudge: DAY,
    Kind.load_checkin: 2 * DAY,
    Kind.buddy_pairing: 3 * DAY,
    Kind.peer_signal: DAY,
    Kind.prompt_assigned: 3 * DAY,
    Kind.signal_answered: DAY,
    Kind.checkin_request: 2 * DAY,
    Kind.checkin_soon: HOUR,
    Kind.buddy_met: 3 * DAY,
    Kind.missed_you: 3 * DAY,
    Kind.presenter_asked: 3 * DAY,
    Kind.presenter_notes: 3 * DAY,
    Kind.season_recommit: 3 * DAY,
    Kind.season_checkin: 2 * DAY,
    Kind.season_seat: 2 * DAY,
    Kind.season_summary: 3 * DAY,
}

_URGENCIES: Final[dict[Kind, str]] = {
    Kind.meetup_hour: "high",
    Kind.checkin_soon: "high",
    Kind.prompt_assigned: "low",
    Kind.missed_you: "low",
    Kind.presenter_notes: "low",
    Kind.season_summary: "low",
}


def check_url(url: str) -> str:
    """``url`` when it is a same-site path ("/..."); ``ValueError`` otherwise."""
    if not isinstance(url, str) or not _URL.fullmatch(url) or len(url) > MAX_URL_LENGTH:
        raise ValueError("push url must be a same-site path starting with '/'")
    parts = urlsplit(url)
    if url.startswith("//") or parts.scheme or parts.netloc:
        raise ValueError("push url must be a same-site path, not another site")
    return url


def check_tag(tag: str) -> str:
    """``tag`` when it is a short opaque token (letters, digits, ``._:-``)."""
    if not isinstance(tag, str) or not _TAG.fullmatch(tag) or len(tag) > MAX_TAG_LENGTH:
        raise ValueError(f"push tag must be 1-{MAX_TAG_LENGTH} of A-Z a-z 0-9 . _ : -")
    return tag


def build(kind: Kind, url: str, tag: str, origin: str = "") -> bytes:
    """The JSON payload for ``kind``: ``{"title", "body", "url", "tag"}`` for the service worker,
    and the Declarative Web Push shape (``web_push: 8030``, ``notification``) beside it, so Safari
    18.4+ shows it without waking the service worker. ``origin`` makes ``navigate`` absolute."""
    title, body = words(kind)
    path = check_url(url)
    document: dict[str, object] = {"title": title, "body": body, "url": path, "tag": check_tag(tag)}
    if origin:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/"):
            raise ValueError("push origin must be scheme://host, like https://circles.example")
        document["web_push"] = 8030
        document["notification"] = {
            "title": title,
            "body": body,
            "navigate": origin.rstrip("/") + path,
            "tag": tag,
        }
    payload = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if len(payload) > MAX_PAYLOAD_BYTES:  # cannot happen with the limits above
        raise ValueError(f"push payload of {len(payload)} bytes is over {MAX_PAYLOAD_BYTES}")
    return payload


def ttl_for(kind: Kind) -> int:
    """Seconds the push service may hold the message: how long the reminder is useful."""
    return _TTLS[Kind(kind)]


def urgency_for(kind: Kind) -> str:
    """The RFC 8030 ``Urgency``: high an hour before a meetup, low for prompts."""
    return _URGENCIES.get(Kind(kind), "normal")


def topic_for(kind: Kind, dedupe_key: str) -> str:
    """A 32-character ``Topic``: a newer message of the same kind and key replaces a pending one.

    A hash, so the push service learns nothing from it but sameness.
    """
    digest = hashlib.sha256(f"{Kind(kind).value}\x00{dedupe_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode("ascii")  # 24 bytes -> 32 characters


__all__ = [
    "MAX_PAYLOAD_BYTES",
    "build",
    "check_tag",
    "check_url",
    "topic_for",
    "ttl_for",
    "urgency_for",
]
