"""The pages the installed app keeps for offline use belong to nobody in particular."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from circles.extensions import db
from circles.models.base import utcnow
from tests.conftest import AuthActions
from tests.support.notifications import sent_reminder
from tests.support.pages import text


@pytest.fixture
def logged_in_with_news(app: Flask, client: FlaskClient, auth: AuthActions, make_user) -> str:
    """A logged-in person with an unread notification; returns their user id."""
    user = make_user()
    with app.app_context():
        db.session.add(sent_reminder(user.id, "offline-test", utcnow() - timedelta(hours=1)))
        db.session.commit()
    auth.login(user.email)
    assert 'class="count">1<' in client.get("/").get_data(as_text=True)  # the bell shows it
    return str(user.id)


@pytest.mark.parametrize("path", ["/offline", "/offline/log"])
def test_offline_pages_hold_no_user_id_token_or_unread_count(
    client: FlaskClient, logged_in_with_news: str, path: str
) -> None:
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "csrf" not in page
    assert "circles-user" not in page and f'content="{logged_in_with_news}"' not in page
    assert 'class="count"' not in page and "Notifications" not in page
    # Nothing about the session: no cookie set, and one copy for everyone (no Vary: Cookie).
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


def test_the_offline_page_says_what_still_works(client: FlaskClient) -> None:
    words = text(client.get("/offline"))
    assert "You're offline" in words
    assert "You can still log a 1:1" in words
    assert "sent the next time you open Circles with a connection" in words


def test_the_offline_log_page_offers_the_two_tap_log(client: FlaskClient) -> None:
    response = client.get("/offline/log")
    page = response.get_data(as_text=True)
    assert "How heavy was it?" in text(response)
    assert "data-offline-log" in page and "data-offline-shell" in page
    for word in ("1 Light", "3 Moderate", "5 Very heavy"):
        assert word in text(response)


def test_the_service_worker_holds_nothing_about_the_person(
    client: FlaskClient, logged_in_with_news: str
) -> None:
    response = client.get("/sw.js")
    assert "csrf" not in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
