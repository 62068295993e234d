"""Pages everyone can open, error pages, headers."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AuthActions
from tests.support.pages import text


def test_welcome_says_what_circles_is_for(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b"A small circle of peers" in response.data
    assert b"Create an account" in response.data


def test_healthz_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json is not None and response.json["database"] == "ok"


def test_unknown_pages_get_the_styled_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "We couldn't find that page" in text(response)
    assert b"/static/app.css" in response.data


def test_pages_forbid_inline_scripts(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_too_many_login_attempts_get_the_429_page(make_app, mailbox) -> None:
    app: Flask = make_app(RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [
        client.post("/login", data={"email": "a@example.com", "password": "x"}).status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    last = client.post("/login", data={"email": "a@example.com", "password": "x"})
    assert "Let's slow down a little" in text(last)


def test_manifest_and_service_worker(client: FlaskClient) -> None:
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.json is not None and manifest.json["display"] == "standalone"
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and b"addEventListener" in worker.data
    assert worker.headers["Service-Worker-Allowed"] == "/"
    assert client.get("/offline").status_code == 200


def test_logged_in_home_greets_by_name(client: FlaskClient, auth: AuthActions, make_user) -> None:
    user = make_user(display_name="Jo")
    auth.login(user.email)
    assert b"Hello, Jo." in client.get("/").data


def test_rate_limits_can_live_in_redis_for_several_nodes(make_app, mailbox) -> None:
    import uuid

    import redis

    from tests.support.requirements import missing

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        missing("Redis at 127.0.0.1:6379")
    limit = f"2 per minute;{uuid.uuid4().int % 1000 + 100} per day"  # a fresh limit key per run
    nodes = [
        make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=url, AUTH_RATE_LIMIT=limit)
        for _ in range(2)
    ]
    first, second = (node.test_client() for node in nodes)
    data = {"email": "a@example.com", "password": "x"}
    statuses = [
        first.post("/login", data=data).status_code,
        second.post("/login", data=data).status_code,
        first.post("/login", data=data).status_code,
    ]
    redis.Redis.from_url(url).flushdb()
    assert statuses == [400, 400, 429]  # the second node counted the first node's tries


def test_ids_too_big_for_the_database_are_404_not_500(
    client: FlaskClient, auth: AuthActions, make_user
) -> None:
    auth.login(make_user().email)
    huge = "9" * 25
    for path in (
        f"/circles/{huge}",
        f"/log/{huge}",
        f"/calendar/{huge}-x.ics",
        f"/notifications/{huge}/open",
    ):
        method = client.post if path.endswith("/open") else client.get
        assert method(path).status_code == 404, path


def test_today_costs_the_same_queries_for_one_circle_or_six(app, make_user, make_circle) -> None:
    from circles.extensions import db
    from tests.support.queries import count_queries

    user = make_user()
    make_circle(user)
    client = app.test_client()
    AuthActions(client).login(user.email)
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as one:
        client.get("/")
    for _ in range(5):
        make_circle(user, members=(make_user(), make_user()))
    with count_queries(engine) as six:
        client.get("/")
    assert len(six) == len(one), (len(one), len(six))


def test_pages_stay_light_and_zone_names_come_separately(client: FlaskClient) -> None:
    signup = client.get("/signup")
    assert len(signup.data) < 8_000
    zones = client.get("/zones.json").json
    assert "Europe/London" in zones and "Pacific/Auckland" in zones and len(zones) > 300
