"""Nothing a logged-in person sees is kept in a cache, and logging out forgets the browser."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import AuthActions

PRIVATE_PAGES = ("/", "/me", "/log", "/load", "/notifications", "/circles", "/me/export")


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_pages_for_a_logged_in_person_are_never_stored(
    client: FlaskClient, auth: AuthActions, make_user, path: str
) -> None:
    auth.login(make_user().email)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_error_pages_and_redirects_while_logged_in_are_never_stored(
    client: FlaskClient, auth: AuthActions, make_user
) -> None:
    auth.login(make_user().email)
    assert client.get("/no/such/page").headers["Cache-Control"] == "no-store"
    saved = client.post("/log", data={"intensity": "3", "client_id": "a" * 32})
    assert saved.status_code == 303
    assert saved.headers["Cache-Control"] == "no-store"


def test_logout_answer_is_never_stored(client: FlaskClient, auth: AuthActions, make_user) -> None:
    auth.login(make_user().email)
    assert auth.logout().headers["Cache-Control"] == "no-store"


def test_shared_files_stay_cacheable_while_logged_in(
    client: FlaskClient, auth: AuthActions, make_user
) -> None:
    auth.login(make_user().email)
    for path in ("/static/app.css", "/offline", "/manifest.webmanifest"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
        response.close()


def test_logging_out_deletes_the_remember_cookie(
    client: FlaskClient, auth: AuthActions, make_user
) -> None:
    auth.login(make_user().email, remember=True)
    assert client.get_cookie("remember_token", domain="circles.test") is not None
    response = auth.logout()
    cleared = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert cleared and "Expires=Thu, 01 Jan 1970" in cleared[0]
    assert client.get_cookie("remember_token", domain="circles.test") is None
    assert client.get("/me").status_code == 302  # and nobody is logged in on this browser


def test_after_logout_a_new_login_without_remember_me_leaves_no_remember_cookie(
    client: FlaskClient, auth: AuthActions, make_user
) -> None:
    user = make_user()
    auth.login(user.email, remember=True)
    auth.logout()
    auth.login(user.email)
    assert client.get_cookie("remember_token", domain="circles.test") is None
