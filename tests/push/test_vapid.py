"""VAPID keys: created once, reloaded, read from the environment, checked as a pair."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from webpush.vapid import VAPID

from circles.push import vapid
from circles.push.vapid import (
    PRIVATE_KEY_FILE,
    PUBLIC_KEY_FILE,
    VapidKeys,
    application_server_key,
    check_pair,
    load_or_create,
)


def private_key(keys: VapidKeys) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(keys.private_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def raw_scalar(keys: VapidKeys) -> str:
    value = private_key(keys).private_numbers().private_value
    return vapid.b64url_encode(value.to_bytes(32, "big"))


def test_generated_keys_are_a_p256_pair_as_webpush_expects() -> None:
    keys = vapid.generate()

    check_pair(keys)
    public = serialization.load_pem_public_key(keys.public_pem)
    assert keys.application_server_key == VAPID.get_application_server_key(public)
    assert application_server_key(keys) == keys.application_server_key
    assert len(vapid.b64url_decode(keys.application_server_key)) == 65
    assert keys.private_pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert b"PRIVATE" not in repr(keys).encode() and "private_pem" not in repr(keys)


def test_load_or_create_creates_once_with_0600_and_reloads_the_same_keys(tmp_path: Path) -> None:
    instance = tmp_path / "instance"

    first = load_or_create(instance, {})
    second = load_or_create(instance, {"VAPID_PRIVATE_KEY": ""})

    assert first == second
    check_pair(first)
    private_file = instance / PRIVATE_KEY_FILE
    assert stat.S_IMODE(private_file.stat().st_mode) == 0o600
    assert private_file.read_bytes() == first.private_pem
    assert (instance / PUBLIC_KEY_FILE).read_bytes() == first.public_pem
    assert sorted(p.name for p in instance.iterdir()) == [PRIVATE_KEY_FILE, PUBLIC_KEY_FILE]


def test_a_missing_public_file_is_derived_again(tmp_path: Path) -> None:
    first = load_or_create(tmp_path, {})
    (tmp_path / PUBLIC_KEY_FILE).unlink()

    assert load_or_create(tmp_path, {}) == first
    assert (tmp_path / PUBLIC_KEY_FILE).exists()


def test_a_mismatched_public_file_is_caught_by_check_pair(tmp_path: Path) -> None:
    load_or_create(tmp_path, {})
    (tmp_path / PUBLIC_KEY_FILE).write_bytes(vapid.generate().public_pem)

    keys = load_or_create(tmp_path, {})

    with pytest.raises(ValueError, match="does not belong"):
        check_pair(keys)


def test_env_pem_is_used_and_no_file_is_written(tmp_path: Path) -> None:
    expected = vapid.generate()

    keys = load_or_create(tmp_path, {"VAPID_PRIVATE_KEY": expected.private_pem.decode()})

    assert keys == expected
    assert list(tmp_path.iterdir()) == []


def test_env_pem_may_be_sec1_or_on_one_line(tmp_path: Path) -> None:
    expected = vapid.generate()
    sec1 = private_key(expected).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    one_line = expected.private_pem.decode().strip().replace("\n", "\\n")

    assert load_or_create(tmp_path, {"VAPID_PRIVATE_KEY": sec1.decode()}) == expected
    assert load_or_create(tmp_path, {"VAPID_PRIVATE_KEY": one_line}) == expected


def test_env_raw_base64url_scalar_is_used(tmp_path: Path) -> None:
    expected = vapid.generate()

    keys = load_or_create(tmp_path, {"VAPID_PRIVATE_KEY": f"  {raw_scalar(expected)}\n"})

    assert keys == expected
    check_pair(keys)


def test_env_public_key_is_taken_as_given_and_checked(tmp_path: Path) -> None:
    expected = vapid.generate()
    env = {
        "VAPID_PRIVATE_KEY": raw_scalar(expected),
        "VAPID_PUBLIC_KEY": expected.application_server_key,
    }
    assert load_or_create(tmp_path, env) == expected

    env["VAPID_PUBLIC_KEY"] = vapid.generate().application_server_key
    with pytest.raises(ValueError, match="does not belong"):
        check_pair(load_or_create(tmp_path, env))


@pytest.mark.parametrize(
    "value",
    [
        "AAAA",  # too short
        "A" * 43,  # zero is not a private key
        "_" * 43,  # above the group order
        "not+base64/url",
        "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----",
    ],
)
def test_bad_env_keys_are_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValueError, match=r"VAPID|base64url|raw"):
        load_or_create(tmp_path, {"VAPID_PRIVATE_KEY": value})


def test_a_key_on_another_curve_is_refused(tmp_path: Path) -> None:
    p384 = ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )

    with pytest.raises(ValueError, match="P-256"):
        load_or_create(tmp_path, {"VAPID_PRIVATE_KEY": p384.decode()})


def test_check_pair_detects_a_mismatched_pair() -> None:
    one, other = vapid.generate(), vapid.generate()

    with pytest.raises(ValueError, match="does not belong"):
        check_pair(VapidKeys(one.private_pem, other.public_pem, other.application_server_key))
    with pytest.raises(ValueError, match="application server key"):
        check_pair(VapidKeys(one.private_pem, one.public_pem, other.application_server_key))


def test_keys_are_frozen() -> None:
    keys = vapid.generate()

    with pytest.raises(AttributeError):
        keys.public_pem = b""  # type: ignore[misc]
