"""The `flask circles` commands."""

from __future__ import annotations

import re

from flask import Flask

from circles.extensions import db
from circles.models import Circle, LibraryPrompt, Notification, User


def test_seed_demo_builds_a_circle_once_and_dispatch_runs_a_pass(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["circles", "seed-demo"])
    assert "Demo circle ready." in first.output
    again = runner.invoke(args=["circles", "seed-demo"])
    assert "already there" in again.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Circle)) == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 5
    result = runner.invoke(args=["circles", "dispatch"])
    assert result.exit_code == 0, result.output
    assert "in-app only" in result.output
    with app.app_context():
        kinds = set(db.session.scalars(db.select(Notification.kind)))
    assert "peer_signal" in kinds  # the demo's check-in signal reached the other members


def test_seed_library_is_idempotent(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert "56 new" in runner.invoke(args=["circles", "seed-library"]).output
    assert "(0 new)" in runner.invoke(args=["circles", "seed-library"]).output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(LibraryPrompt)) == 56


def test_create_user_makes_a_confirmed_account(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["circles", "create-user", "--email", "Op@Example.com", "--name", "Op"],
        input="quiet harbour at dawn\nquiet harbour at dawn\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.email == "op@example.com" and user.is_active


def test_the_worker_loop_stops_cleanly_on_sigterm(app: Flask, tmp_path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import database_url

    env = dict(os.environ, DATABASE_URL=database_url(), SECRET_KEY="test", FLASK_APP="app")
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "circles", "worker", "--interval", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert worker.stdout is not None
        deadline = time.monotonic() + 60
        ready = ""
        while "worker ready" not in ready and time.monotonic() < deadline:
            ready = worker.stdout.readline()  # the handlers are in place once this line is out
            if not ready and worker.poll() is not None:
                break
        assert "worker ready" in ready, "the worker never said it was ready"
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=15)
    finally:
        if worker.poll() is None:  # never leave a worker running behind a failed test
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, output
    assert "worker stopped" in output


def test_the_demo_shows_each_feature_filled_in(app: Flask) -> None:
    from circles.models import LoadEntry
    from tests.conftest import AuthActions
    from tests.support.pages import text

    assert (
        "Demo circle ready." in app.test_cli_runner().invoke(args=["circles", "seed-demo"]).output
    )
    client = app.test_client()
    AuthActions(client).login("host@demo.circles", "quiet harbour at dawn")
    today = text(client.get("/"))
    assert "Next meetup" in today and "Prompt: “" in today and "3 going, 1 maybe" in today
    with app.app_context():
        circle_id = db.session.scalar(db.select(Circle.id))
        days = db.session.scalars(db.select(LoadEntry.local_date)).all()
    assert days and all(day.weekday() < 5 for day in days)  # no weekend 1:1s
    bo = app.test_client()
    AuthActions(bo).login("bo@demo.circles", "quiet harbour at dawn")
    circle = text(bo.get(f"/circles/{circle_id}"))
    assert "are buddies until" in circle  # a buddy pair
    assert "Cy will reach out." in circle  # Bo's check-in signal, answered
    assert "https://t.me/cy_demo" in bo.get(f"/circles/{circle_id}").get_data(as_text=True)
    assert re.search(r"\(higher is safer\): \d\.\d ?, from 7 answers", circle)  # pooled pulse
    load = client.get("/load").get_data(as_text=True)
    assert ">nothing logged</text>" in load  # the holiday week
    manage = text(client.get(f"/circles/{circle_id}/host"))
    assert "This period's buddies:" in manage
