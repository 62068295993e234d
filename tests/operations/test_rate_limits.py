"""Login and reset are limited per account as well as per address, keyed by an HMAC."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from flask import Flask

from tests.support.requirements import missing


def _limited_app(make_app: Callable[..., Flask], **settings: object) -> Flask:
    limits = {"AUTH_RATE_LIMIT": "100 per minute", "ACCOUNT_RATE_LIMIT": "3 per minute"}
    return make_app(RATELIMIT_ENABLED=True, **(limits | settings))


def _from(n: int) -> dict[str, dict[str, str]]:
    return {"environ_base": {"REMOTE_ADDR": f"10.0.{n}.{n}"}}


@pytest.mark.parametrize(("path", "ok"), [("/login", 400), ("/password/forgot", 200)])
def test_many_addresses_cannot_hammer_one_account(
    make_app: Callable[..., Flask], path: str, ok: int
) -> None:
    client = _limited_app(make_app).test_client()
    # Any spelling of the address is the same account.
    spellings = [
        "victim@example.com",
        "Victim@Example.com",
        "victim@EXAMPLE.com",
        "VICTIM@EXAMPLE.COM",
    ]
    statuses = [
        client.post(path, data={"email": email, "password": "guess"}, **_from(n)).status_code
        for n, email in enumerate(spellings)
    ]
    assert statuses == [ok, ok, ok, 429]
    # Another account, from yet another address, is not held up.
    other = client.post(path, data={"email": "other@example.com", "password": "x"}, **_from(9))
    assert other.status_code == ok


def test_the_limit_storage_never_holds_the_email(make_app: Callable[..., Flask]) -> None:
    import redis

    url = "redis://127.0.0.1:6379/14"
    try:
        store = redis.Redis.from_url(url)
        store.ping()
    except redis.exceptions.ConnectionError:
        missing("Redis at 127.0.0.1:6379")
    store.flushdb()
    limit = f"3 per minute;{uuid.uuid4().int % 1000 + 100} per day"
    client = _limited_app(make_app, RATELIMIT_STORAGE_URI=url, ACCOUNT_RATE_LIMIT=limit)
    client = client.test_client()
    client.post("/login", data={"email": "secret.person@example.com", "password": "x"})
    keys = [key.decode() for key in store.keys("*")]
    store.flushdb()
    assert any("account:" in key for key in keys), keys
    assert not any("secret" in key or "example" in key for key in keys), keys
