"""Fixtures: a fresh database per test, factories, an auth helper, a local SMTP inbox."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient

from circles import create_app
from circles.extensions import db
from circles.models import Base, User
from circles.models.base import utcnow
from circles.services.circles import operations as circle_actions
from tests.support.mailbox import Mailbox

PASSWORD = "quiet harbour at dawn"
_SQLITE_DIR = tempfile.mkdtemp(prefix="circles-tests-")
_schema_ready: set[str] = set()


def database_url() -> str:
    """TEST_DATABASE_URL (PostgreSQL in CI), else a SQLite file for this run."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_SQLITE_DIR}/test.sqlite3"


def app_config(**overrides: Any) -> dict[str, Any]:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url(),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "MAIL_SERVER": "",
        "SERVER_NAME": "circles.test",
    }
    config.update(overrides)
    return config


def _wipe(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def make_app() -> Iterator[Callable[..., Flask]]:
    """Build apps on the test database; every row is gone again after the test."""
    made: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        app = create_app(app_config(**overrides))
        with app.app_context():
            url = app.config["SQLALCHEMY_DATABASE_URI"]
            if url not in _schema_ready:
                Base.metadata.drop_all(db.engine)
                Base.metadata.create_all(db.engine)
                _schema_ready.add(url)
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            _wipe(db.engine)
            db.engine.dispose()


@pytest.fixture(scope="session")
def _smtp_server() -> Iterator[Mailbox]:
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture
def mailbox(_smtp_server: Mailbox) -> Mailbox:
    """The local SMTP inbox, empty at the start of each test."""
    _smtp_server.clear()
    return _smtp_server


@pytest.fixture
def app(make_app: Callable[..., Flask], mailbox: Mailbox) -> Flask:
    # No app context is pushed here: each request gets its own, as in production.
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An app context, for tests that call services or read the database directly."""
    with app.app_context():
        yield


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@contextmanager
def _session_scope(app: Flask) -> Iterator[bool]:
    """The test's own app context when it has one (its session sees the rows), else a new one."""
    if has_app_context():
        yield True
        return
    with app.app_context():
        yield False


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create confirmed users with sensible defaults."""
    counter = iter(range(1, 10_000))

    def factory(**fields: Any) -> User:
        n = next(counter)
        passwords = app.extensions["circles_passwords"]
        values: dict[str, Any] = {
            "email": f"user{n}@example.com",
            "display_name": f"Member {n}",
            "time_zone": "Europe/London",
            "email_confirmed_at": utcnow(),
        }
        password = fields.pop("password", PASSWORD)
        values.update(fields)
        with _session_scope(app) as in_test_session:
            user = User(password_hash=passwords.hash(password), **values)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            if not in_test_session:
                db.session.expunge(user)
        return user

    return factory


@dataclass
class AuthActions:
    client: FlaskClient

    def login(self, email: str, password: str = PASSWORD, remember: bool = False) -> Any:
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self.client.post("/login", data=data)

    def logout(self) -> Any:
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def make_circle(app: Flask) -> Callable[..., Any]:
    """Create circles hosted by the given user, with members added straight in."""
    from circles.models import Circle
    from circles.services.circles import membership

    def factory(host: User, *, members: tuple[User, ...] = (), **fields: Any) -> Circle:
        values: dict[str, Any] = {
            "name": "Thursday circle",
            "purpose": "Leaders of growing teams.",
            "time_zone": "Europe/London",
            "agreement": membership.DEFAULT_AGREEMENT,
        }
        values.update(fields)
        with _session_scope(app) as in_test_session:
            circle = circle_actions.create_circle(db.session, db.session.merge(host), **values)
            for member in members:
                membership.add_member(db.session, circle.id, db.session.merge(member), utcnow())
            db.session.commit()
            db.session.refresh(circle)
            if not in_test_session:
                db.session.expunge(circle)
        return circle

    return factory


def logged_in(app: Flask, user: Any) -> FlaskClient:
    """A test client with this user logged in, as after the login form."""
    client = app.test_client()
    AuthActions(client).login(user.email)
    return client
