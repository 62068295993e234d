"""The settings production refuses to start without, each with the fix, all reported at once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from circles import mail

Config = Mapping[str, Any]


@dataclass(frozen=True)
class Check:
    setting: str
    ok: bool
    message: str  # what is wrong and how to fix it, or what is right


def _secret_key(config: Config) -> Check:
    key = str(config.get("SECRET_KEY") or "")
    if len(key) >= 32:
        return Check("SECRET_KEY", True, "set")
    problem = "is not set" if not key else "is shorter than 32 characters"
    return Check(
        "SECRET_KEY",
        False,
        f"SECRET_KEY {problem}: set it to a long random value, e.g. the output of "
        '`python -c "import secrets; print(secrets.token_urlsafe(48))"`.',
    )


def _public_url(config: Config) -> Check:
    url = str(config.get("PUBLIC_URL") or "")
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname and not parts.query and not parts.fragment:
        return Check("PUBLIC_URL", True, f"emailed links start with {url.rstrip('/')}")
    problem = "is not set" if not url else f"is {url!r}, not an https address"
    return Check(
        "PUBLIC_URL",
        False,
        f"PUBLIC_URL {problem}: set it to the https address people open, e.g. "
        "https://circles.example.org (emailed links and trusted hosts come from it).",
    )


def _mail(config: Config) -> Check:
    chosen = str(config.get("MAIL_BACKEND") or "").strip().lower()
    if chosen not in {"", mail.SMTP, mail.CONSOLE}:
        return Check(
            "MAIL_BACKEND",
            False,
            f"MAIL_BACKEND is {chosen!r}: use smtp (with MAIL_SERVER) or console.",
        )
    if chosen == mail.CONSOLE:
        return Check("MAIL_BACKEND", True, "console: emails are logged (subject, domain), not sent")
    if config.get("MAIL_SERVER"):
        return Check("MAIL_SERVER", True, f"SMTP via {config['MAIL_SERVER']}")
    return Check(
        "MAIL_SERVER",
        False,
        "MAIL_SERVER is not set: set MAIL_SERVER (and MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD, "
        "MAIL_USE_TLS) so confirmation and reset emails go out, or set MAIL_BACKEND=console to "
        "log only their subject and recipient's domain.",
    )


def _mail_from(config: Config) -> Check:
    domain = mail.sender_domain(str(config.get("MAIL_FROM") or ""))
    if domain and "." in domain and not domain.endswith((".invalid", ".example", ".test")):
        return Check("MAIL_FROM", True, f"emails come from {domain}")
    return Check(
        "MAIL_FROM",
        False,
        f"MAIL_FROM has no real sender domain ({domain or 'none'}): set it to an address on your "
        "own domain, e.g. Circles <no-reply@circles.example.org>.",
    )


def _rate_limit_storage(config: Config) -> Check:
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    workers = int(config.get("WEB_CONCURRENCY") or 1)
    if storage.startswith("memory://") and workers > 1:
        return Check(
            "RATELIMIT_STORAGE_URI",
            False,
            f"RATELIMIT_STORAGE_URI is memory:// with WEB_CONCURRENCY={workers}: each worker "
            "would count on its own, multiplying every limit. Set it to shared storage, e.g. "
            "redis://127.0.0.1:6379/0, or run one worker.",
        )
    return Check(
        "RATELIMIT_STORAGE_URI", True, f"{storage.split('://')[0]} for {workers} worker(s)"
    )


def _vapid_keys(config: Config) -> Check:
    if config.get("VAPID_PRIVATE_KEY"):
        return Check("VAPID_PRIVATE_KEY", True, "set")
    return Check(
        "VAPID_PRIVATE_KEY",
        False,
        "VAPID_PRIVATE_KEY is not set: run `flask --app app circles vapid-keys` once and put "
        "the two lines it prints into the environment (every node must share one key pair).",
    )


def _vapid_subject(config: Config) -> Check:
    subject = str(config.get("VAPID_SUBJECT") or "")
    if subject.startswith(("mailto:", "https://")) and ".invalid" not in subject:
        return Check("VAPID_SUBJECT", True, subject)
    return Check(
        "VAPID_SUBJECT",
        False,
        f"VAPID_SUBJECT is {subject!r}: set a contact push services can reach, e.g. "
        "mailto:ops@circles.example.org.",
    )


CHECKS: tuple[Callable[[Config], Check], ...] = (
    _secret_key,
    _public_url,
    _mail,
    _mail_from,
    _rate_limit_storage,
    _vapid_keys,
    _vapid_subject,
)


def run(config: Config) -> list[Check]:
    """Every check, passed or not, in a fixed order."""
    return [check(config) for check in CHECKS]


def refusals(config: Config) -> list[Check]:
    """The checks that fail: production will not start while there are any."""
    return [check for check in run(config) if not check.ok]


class UnsafeSettings(RuntimeError):
    """Production settings that are not safe to serve with; the message lists every fix."""

    def __init__(self, failed: list[Check]) -> None:
        self.failed = failed
        lines = "\n".join(f"- {check.message}" for check in failed)
        super().__init__(
            f"Circles will not start in production with these settings:\n{lines}\n"
            "(`flask --app app circles check-config` prints these checks.)"
        )
