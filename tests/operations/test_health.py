"""/healthz says the process is up and when the worker last passed; /readyz says it can serve."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

from circles import create_app
from circles.extensions import db
from circles.models import Notification, WorkerHeartbeat
from circles.models.base import utcnow
from tests.conftest import app_config, database_url
from tests.support.databases import fresh_database


def _dispatch(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["circles", "dispatch"])
    assert result.exit_code == 0, result.output


def test_healthz_shows_a_worker_that_never_passed_then_one_that_did(app: Flask) -> None:
    client = app.test_client()
    before = client.get("/healthz")
    assert before.status_code == 200
    assert before.json is not None
    assert before.json["database"] == "ok"
    assert before.json["worker"] == {"last_pass_at": None, "recent": False}
    _dispatch(app)
    after = client.get("/healthz").json
    assert after is not None and after["worker"]["recent"] is True
    assert after["worker"]["last_pass_at"].startswith(str(utcnow().year))


def test_readyz_wants_current_migrations_and_a_recent_worker_pass(tmp_path: Path) -> None:
    with fresh_database(database_url(), tmp_path) as url:
        app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url, WORKER_STALE_SECONDS=120))
        client = app.test_client()
        try:
            with app.app_context():
                flask_migrate.upgrade()
            waiting = client.get("/readyz")
            assert waiting.status_code == 503
            assert waiting.json is not None and waiting.json["migrations"] == "current"
            assert waiting.json["worker"]["recent"] is False

            _dispatch(app)
            ready = client.get("/readyz")
            assert ready.status_code == 200, ready.json
            assert ready.json is not None and ready.json["status"] == "ready"

            with app.app_context():  # the worker stops: its last pass grows old
                db.session.execute(
                    sa.update(WorkerHeartbeat).values(finished_at=utcnow() - timedelta(minutes=3))
                )
                db.session.commit()
            stale = client.get("/readyz")
            assert stale.status_code == 503
            assert stale.json is not None and stale.json["worker"]["recent"] is False

            with app.app_context():
                flask_migrate.downgrade(revision="-1")
            behind = client.get("/readyz")
            assert behind.status_code == 503
            assert behind.json is not None and behind.json["migrations"] == "behind"
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def test_readyz_fails_on_a_schema_that_migrations_never_stamped(app: Flask) -> None:
    _dispatch(app)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json is not None and response.json["migrations"] == "behind"


def test_an_unreachable_database_is_unready_but_the_process_is_up() -> None:
    app = create_app(
        app_config(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:9/none")
    )
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json is not None and health.json["database"] == "unavailable"
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json is not None and ready.json["database"] == "unavailable"


def test_each_worker_pass_logs_due_sent_failed_and_lag(
    app: Flask, make_user, caplog: pytest.LogCaptureFixture
) -> None:
    user = make_user()
    with app.app_context():
        due = utcnow() - timedelta(minutes=10)
        db.session.add(
            Notification(
                user_id=user.id,
                kind="load_checkin",
                dedupe_key=f"load_checkin:{user.id}:lag-test",
                due_at=due,
                next_attempt_at=due,
                title="Circles",
                body="Time to check in with a peer",
                url="/",
                tag="t",
            )
        )
        db.session.commit()
    with caplog.at_level(logging.INFO, logger="circles.worker"):
        _dispatch(app)
    passes = [r for r in caplog.records if r.getMessage().startswith("pass: ")]
    assert len(passes) == 1
    record = passes[0].__dict__
    assert (record["due"], record["sent"], record["failed"]) == (1, 0, 0)
    assert 600 <= record["lag_seconds"] < 700
    with app.app_context():
        beat = db.session.scalar(sa.select(WorkerHeartbeat))
        assert beat is not None and (beat.due, beat.lag_seconds) == (1, record["lag_seconds"])
