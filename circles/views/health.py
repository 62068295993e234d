"""/healthz (the process is up; the worker's state for a dashboard) and /readyz (can serve)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app

from circles import ROOT_MIGRATIONS
from circles.extensions import db
from circles.models.base import utcnow
from circles.services.monitoring import health, schema

bp = Blueprint("health", __name__)


def _worker() -> dict[str, Any]:
    stale = timedelta(seconds=current_app.config["WORKER_STALE_SECONDS"])
    state = health.worker_state(db.session, utcnow(), stale)
    last = state.last_pass_at.isoformat() if state.last_pass_at else None
    return {"last_pass_at": last, "recent": state.recent}


@bp.get("/healthz")
def healthz() -> tuple[dict[str, Any], int]:
    """200 while the process answers, with the database's and the worker's state."""
    if not health.database_answers(db.session):
        return {"status": "ok", "database": "unavailable", "worker": None}, 200
    return {
        "status": "ok",
        "database": "ok",
        "dialect": db.engine.dialect.name,
        "worker": _worker(),
    }, 200


@bp.get("/readyz")
def readyz() -> tuple[dict[str, Any], int]:
    """200 when the database answers, its migrations are current and a worker passed lately."""
    if not health.database_answers(db.session):
        return {"status": "unready", "database": "unavailable"}, 503
    with db.engine.connect() as connection:
        current = schema.migrations_current(connection, ROOT_MIGRATIONS)
    worker = _worker()
    ready = current and worker["recent"]
    body = {
        "status": "ready" if ready else "unready",
        "database": "ok",
        "migrations": "current" if current else "behind",
        "worker": worker,
    }
    return body, 200 if ready else 503
