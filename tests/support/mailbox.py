"""A local SMTP server that keeps what it receives, for tests that follow emailed links."""

from __future__ import annotations

import re
import socket
import threading
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Handler:
    def __init__(self, inbox: Mailbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default)
        with self.inbox.arrived:
            self.inbox.messages.append(message)  # type: ignore[arg-type]
            self.inbox.arrived.notify_all()
        return "250 OK"


class Mailbox:
    """Messages received on 127.0.0.1:<port>."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.RLock()
        self.arrived = threading.Condition(self.lock)  # notified as each message is stored
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=free_port())

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    @property
    def port(self) -> int:
        return int(self._controller.port)

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def wait_for(
        self, to: str, timeout: float = 5.0, containing: str = "", after: int = 0
    ) -> EmailMessage:
        """The newest message to this address (holding `containing`, and beyond the first
        `after` sent to it), woken as each message arrives."""

        def found() -> list[EmailMessage]:
            mine = [m for m in self.messages if m["To"] == to][after:]
            return [m for m in mine if containing in _text_of(m)]

        with self.arrived:
            if not self.arrived.wait_for(lambda: bool(found()), timeout):
                raise AssertionError(f"no email to {to} within {timeout}s")
            return found()[-1]

    def sent_to(self, to: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == to]


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",)) if message.is_multipart() else message
    return str(part.get_content()) if part is not None else ""


def link_in(message: EmailMessage, path_prefix: str) -> str:
    """The path of the first link in the message that starts with path_prefix."""
    body = message.get_content()
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]*)", body)
    if not match:
        raise AssertionError(f"no {path_prefix} link in: {body}")
    return match.group(1)
