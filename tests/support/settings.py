"""Values for settings production insists on."""

from __future__ import annotations

from circles.push import vapid


def raw_vapid_private_key() -> str:
    """A fresh VAPID private key as `flask circles vapid-keys` prints it (base64url, 32 bytes)."""
    keys = vapid.generate()
    key = vapid.parse_private_key(keys.private_pem.decode("ascii"))
    return vapid.b64url_encode(key.private_numbers().private_value.to_bytes(32, "big"))
