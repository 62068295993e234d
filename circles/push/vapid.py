"""VAPID keys (RFC 8292): the P-256 key pair that identifies our server to push services.

The private key comes from the environment (``VAPID_PRIVATE_KEY``: PEM text, or the raw
32-byte private scalar in base64url as many Web Push tools print it) or, when that is not
set, from ``<instance>/vapid_private.pem``, created once with 0600 permissions. The public
key is derived from the private one unless it is given too (``VAPID_PUBLIC_KEY`` or
``<instance>/vapid_public.pem``); :func:`check_pair` tells whether a given pair belongs
together, which the app checks at start so a mismatched deployment fails loudly instead of
every browser subscription being refused with 403.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

log = logging.getLogger(__name__)

ENV_PRIVATE_KEY = "VAPID_PRIVATE_KEY"
ENV_PUBLIC_KEY = "VAPID_PUBLIC_KEY"
PRIVATE_KEY_FILE = "vapid_private.pem"
PUBLIC_KEY_FILE = "vapid_public.pem"

_B64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


@dataclass(frozen=True)
class VapidKeys:
    """A VAPID key pair: PKCS8 and SPKI PEM, and the public key as the browser wants it."""

    private_pem: bytes = field(repr=False)
    public_pem: bytes
    application_server_key: str
    """base64url (no padding) of the uncompressed P-256 point, for ``pushManager.subscribe``."""


def b64url_encode(data: bytes) -> str:
    """URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict URL-safe base64, padding optional; ``ValueError`` when invalid."""
    text = text.strip()
    if not _B64URL.fullmatch(text):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError("not base64url") from error


def _point(public_key: ec.EllipticCurvePublicKey) -> bytes:
    return public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def _require_p256(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> None:
    if not isinstance(key.curve, ec.SECP256R1):
        raise ValueError(f"VAPID keys must be on P-256, not {key.curve.name}")


def from_private_key(
    private_key: ec.EllipticCurvePrivateKey,
    public_key: ec.EllipticCurvePublicKey | None = None,
) -> VapidKeys:
    """Keys from a private key; the public key is derived unless given."""
    _require_p256(private_key)
    public = public_key if public_key is not None else private_key.public_key()
    _require_p256(public)
    return VapidKeys(
        private_pem=private_key.private_bytes(
            Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        public_pem=public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo),
        application_server_key=b64url_encode(_point(public)),
    )


def generate() -> VapidKeys:
    """A fresh P-256 key pair."""
    return from_private_key(ec.generate_private_key(ec.SECP256R1()))


def _pem_text(text: str) -> bytes:
    # .env files and container secrets often carry PEM on one line with literal "\n"s.
    return text.strip().replace("\\n", "\n").encode("ascii", "strict")


def parse_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key from PEM (PKCS8 or SEC1) or a base64url raw 32-byte scalar."""
    text = text.strip()
    if "-----BEGIN" in text:
        try:
            key = serialization.load_pem_private_key(_pem_text(text), password=None)
        except (ValueError, TypeError, UnicodeError) as error:
            # TypeError: the PEM is encrypted; the message never contains key material.
            raise ValueError(f"VAPID private key PEM cannot be read: {error}") from error
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("VAPID private key is not an EC key")
        _require_p256(key)
        return key
    raw = b64url_decode(text)
    if len(raw) != 32:
        raise ValueError(f"a raw VAPID private key has 32 bytes, not {len(raw)}")
    try:
        return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    except ValueError as error:
        raise ValueError("raw VAPID private key is out of range for P-256") from error


def parse_public_key(text: str | bytes) -> ec.EllipticCurvePublicKey:
    """A P-256 public key from SPKI PEM or a base64url uncompressed point."""
    data = text.decode("ascii") if isinstance(text, bytes) else text
    if "-----BEGIN" in data:
        try:
            key = serialization.load_pem_public_key(_pem_text(data))
        except (ValueError, UnicodeError) as error:
            raise ValueError(f"VAPID public key PEM cannot be read: {error}") from error
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise ValueError("VAPID public key is not an EC key")
        _require_p256(key)
        return key
    point = b64url_decode(data)
    if len(point) != 65:
        raise ValueError("a raw VAPID public key is a 65-byte uncompressed point")
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)


def _create_private_file(path: Path) -> None:
    """Write a new private key to ``path`` (0600) unless one is there; safe across processes."""
    keys = generate()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(keys.private_pem)
            handle.flush()
            os.fsync(handle.fileno())
        # link() never replaces: when another worker won the race, its key stays.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _write_public_file(path: Path, keys: VapidKeys) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(keys.public_pem)
    temporary.chmod(0o644)
    os.replace(temporary, path)


def load_or_create(instance_path: Path, env: Mapping[str, str]) -> VapidKeys:
    """The deployment's keys: from ``env`` when set, else from the instance folder.

    The first start without ``VAPID_PRIVATE_KEY`` creates ``vapid_private.pem`` (0600) and
    ``vapid_public.pem``; later starts, and other workers, load the same keys. The result is
    not checked here: call :func:`check_pair` at start.
    """
    private_text = (env.get(ENV_PRIVATE_KEY) or "").strip()
    public_text = (env.get(ENV_PUBLIC_KEY) or "").strip()
    if private_text:
        private_key = parse_private_key(private_text)
        public_key = parse_public_key(public_text) if public_text else None
        return from_private_key(private_key, public_key)

    instance_path.mkdir(parents=True, exist_ok=True)
    private_path = instance_path / PRIVATE_KEY_FILE
    public_path = instance_path / PUBLIC_KEY_FILE
    if not private_path.exists():
        _create_private_file(private_path)
        log.info("created a new VAPID key pair in %s", private_path)
    mode = stat.S_IMODE(private_path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s is readable by others (mode %o); chmod 600 it", private_path, mode)
    private_key = parse_private_key(private_path.read_text("ascii"))
    if public_path.exists():
        return from_private_key(private_key, parse_public_key(public_path.read_bytes()))
    keys = from_private_key(private_key)
    _write_public_file(public_path, keys)
    return keys


def check_pair(keys: VapidKeys) -> None:
    """Raise ``ValueError`` unless the public key (PEM and point) belongs to the private key."""
    private_key = serialization.load_pem_private_key(keys.private_pem, password=None)
    if not isinstance(private_key, ec.EllipticCurvePrivateKey):
        raise ValueError("VAPID private key is not an EC key")
    _require_p256(private_key)
    public_key = parse_public_key(keys.public_pem)
    expected = _point(private_key.public_key())
    if _point(public_key) != expected:
        raise ValueError("the VAPID public key does not belong to the private key")
    if keys.application_server_key != b64url_encode(expected):
        raise ValueError("the VAPID application server key does not belong to the private key")


def application_server_key(keys: VapidKeys) -> str:
    """base64url of the uncompressed public point (``applicationServerKey`` in the browser)."""
    return b64url_encode(_point(parse_public_key(keys.public_pem)))


__all__ = [
    "ENV_PRIVATE_KEY",
    "ENV_PUBLIC_KEY",
    "PRIVATE_KEY_FILE",
    "PUBLIC_KEY_FILE",
    "VapidKeys",
    "application_server_key",
    "b64url_decode",
    "b64url_encode",
    "check_pair",
    "from_private_key",
    "generate",
    "load_or_create",
    "parse_private_key",
    "parse_public_key",
]
