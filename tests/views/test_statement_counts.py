"""Each main page, and a planning pass with nothing to do, sends as many statements at 10 x data.

Small: 3 circles of 8, a weekly meetup 12 weeks old, half a year of 1:1s. Ten times: 30 circles,
a meetup 120 weeks old, five years of 1:1s, ten times the notifications. Counts, not timings.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from circles.extensions import db
from circles.models.base import utcnow
from circles.worker import plan
from tests.conftest import PASSWORD, logged_in
from tests.support.queries import count_queries
from tests.support.volume import Built, Volume, populate

SMALL = Volume(circles=3, series_weeks=12, log_weeks=26, notifications=20)
LARGE = Volume(circles=30, series_weeks=120, log_weeks=260, notifications=200)


def _pages(built: Built) -> dict[str, str]:
    circle, series = built.circle_ids[0], built.series_ids[0]
    return {
        "today": "/",
        "circles": "/circles",
        "circle": f"/circles/{circle}",
        "meetup": f"/circles/{circle}/meetups/{series}/{built.next_key}",
        "my load": "/load",
        "log": "/log",
        "notifications": "/notifications",
    }


def _build(app: Flask, tag: str, volume: Volume) -> Built:
    passwords = app.extensions["circles_passwords"]
    with app.app_context():
        built = populate(db.session, tag, volume, passwords.hash(PASSWORD))
        db.session.commit()
        return built


def _counts(app: Flask, built: Built) -> dict[str, int]:
    client = logged_in(app, built)
    counts = {}
    with app.app_context():
        engine = db.engine
    for name, path in _pages(built).items():
        assert client.get(path).status_code == 200, path  # warm: per-process caches filled
        with count_queries(engine) as statements:
            assert client.get(path).status_code == 200, path
        counts[name] = len(statements)
    return counts


def _quiet_pass(app: Flask) -> int:
    with app.app_context():
        now = utcnow()
        plan(now)
        db.session.commit()
        with count_queries(db.engine) as statements:
            plan(now + timedelta(seconds=30))
        db.session.commit()
        return len(statements)


def test_main_pages_and_a_quiet_planning_pass_cost_the_same_statements_at_10x_data(
    app: Flask,
) -> None:
    small = _build(app, "small", SMALL)
    small_counts = _counts(app, small) | {"planning pass": _quiet_pass(app)}
    large = _build(app, "large", LARGE)
    large_counts = _counts(app, large) | {"planning pass": _quiet_pass(app)}
    assert large_counts == small_counts
