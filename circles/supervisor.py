"""Run the web server and the reminder worker side by side as one command.

Both children share the console (their logs interleave) and this process group. SIGINT or
SIGTERM stops both gracefully; if either dies on its own, the other is stopped too and the
exit status says so. Once the web server answers, one ready line is printed.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType

GRACE_SECONDS = 35  # a little more than gunicorn's graceful timeout
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Child:
    """A long-running process: a name for messages and its command line."""

    name: str
    argv: Sequence[str]


def answers(url: str) -> bool:
    """True once anything answers HTTP at `url` (an error status is still an answer)."""
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own http URL)
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


class Supervisor:
    """Starts children, forwards stop signals to them, stops all when one ends."""

    def __init__(
        self,
        children: Sequence[Child],
        ready_url: str,
        announce: Callable[[str], None],
        ready_message: str,
    ) -> None:
        self.children = children
        self.ready_url = ready_url
        self.announce = announce
        self.ready_message = ready_message
        self.stop_requested = threading.Event()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self.stop_requested.set()

    def run(self) -> int:
        """Supervise until a stop signal or a child's exit; returns the exit status."""
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            for child in self.children:
                self.processes[child.name] = subprocess.Popen(child.argv)  # noqa: S603
            ended = self._watch()
            return self._stop_all(ended)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _watch(self) -> str | None:
        """Wait for a stop signal (None) or the first child to end (its name)."""
        ready = False
        while not self.stop_requested.is_set():
            for name, process in self.processes.items():
                if process.poll() is not None:
                    return name
            if not ready and answers(self.ready_url):
                ready = True
                self.announce(self.ready_message)
            self.stop_requested.wait(POLL_SECONDS)
        return None

    def _stop_all(self, ended: str | None) -> int:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # graceful for gunicorn and the worker
        deadline = time.monotonic() + GRACE_SECONDS
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if ended is not None:
            code = self.processes[ended].returncode
            self.announce(f"{ended} stopped (exit status {code}); stopped the rest")
            return code or 1
        # Ended by the very signal we forwarded (before its handlers were in place) is clean too.
        clean = {0, -signal.SIGTERM, -signal.SIGINT}
        failed = {n: p.returncode for n, p in self.processes.items() if p.returncode not in clean}
        if failed:
            self.announce(f"stopped; not cleanly: {failed}")
            return 1
        self.announce("Circles stopped")
        return 0
