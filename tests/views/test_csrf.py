"""CSRF: missing or expired tokens re-render the form with the input kept."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.pages import text


@pytest.fixture
def csrf_client(make_app, mailbox) -> FlaskClient:
    app: Flask = make_app(WTF_CSRF_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)
    return app.test_client()


def _token(client: FlaskClient, path: str) -> str:
    match = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).data)
    assert match, "the form carries a CSRF token"
    return match.group(1).decode()


def test_a_form_without_its_token_is_refused_with_the_input_kept(csrf_client: FlaskClient) -> None:
    response = csrf_client.post("/login", data={"email": "kept@example.com", "password": "x"})
    assert response.status_code == 400
    assert "couldn't save it safely" in text(response)
    assert b'value="kept@example.com"' in response.data


def test_an_expired_token_re_renders_the_form_with_a_clear_message(
    csrf_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _token(csrf_client, "/signup")
    later = time.time() + 5 * 3600
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    response = csrf_client.post(
        "/signup",
        data={
            "csrf_token": token,
            "email": "late@example.com",
            "display_name": "Late Lee",
            "password": "quiet harbour at dawn",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 400
    assert "couldn't save it safely" in text(response)
    assert b'value="Late Lee"' in response.data


def test_a_valid_token_goes_through(csrf_client: FlaskClient, mailbox) -> None:
    token = _token(csrf_client, "/signup")
    response = csrf_client.post(
        "/signup",
        data={
            "csrf_token": token,
            "email": "ok@example.com",
            "display_name": "Ok",
            "password": "quiet harbour at dawn",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 200
    assert b"Check your email" in response.data


def test_a_post_without_a_form_view_gets_the_styled_400_page(csrf_client: FlaskClient) -> None:
    response = csrf_client.post("/logout")
    assert response.status_code == 400
    assert b"Something in that request" in response.data
