"""The README's run command: one command serves pages and delivers reminders, and stops cleanly."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models import PushSubscription, User
from circles.models.base import utcnow
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind
from tests.support.console import Console, free_port
from tests.support.push_service import LocalPushService

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PROJECT = ("app.py", "pyproject.toml", "circles", "templates", "static", "migrations")


def readme_run_command() -> str:
    """The command between the README's run-command markers."""
    text = (ROOT / "README.md").read_text()
    block = text.split("<!-- run-command -->", 1)[1].split("<!-- /run-command -->", 1)[0]
    lines = [line for line in block.strip().splitlines() if not line.startswith("```")]
    assert len(lines) == 1, "the quick start's run command is one line"
    return lines[0]


def runnable_steps(command: str) -> list[list[str]]:
    """The command's flask steps, run with this test's virtualenv (already installed)."""
    steps = command.split(" && ")
    assert steps[0] == "python3 -m venv .venv"
    assert any(step.startswith(".venv/bin/pip install") and " -e ." in step for step in steps)
    flask_steps = [shlex.split(step) for step in steps if step.startswith(".venv/bin/flask")]
    for argv in flask_steps:
        argv[0] = str(VENV_BIN / "flask")
    return flask_steps


def copy_project(folder: Path) -> Path:
    """A copy of the project in `folder`, with its own instance folder (SQLite file, keys)."""
    copy = folder / "circles"
    copy.mkdir()
    for name in PROJECT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy / name)
    return copy


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


@pytest.fixture
def serve_env() -> dict[str, str]:
    """The environment of someone trying the quick start, on a free port, a quick worker."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "CIRCLES_"))}
    for name in ("DATABASE_URL", "SECRET_KEY", "WEB_CONCURRENCY", "HOST"):
        env.pop(name, None)
    env.update(PORT=str(free_port()), WORKER_INTERVAL_SECONDS="0.3", PYTHONUNBUFFERED="1")
    return env


@pytest.fixture
def served(project_copy: Path, serve_env: dict[str, str]) -> Iterator[Console]:
    """The README's run command, running in the copy until its ready line."""
    *setup, serve = runnable_steps(readme_run_command())
    assert serve[-2:] == ["circles", "serve"]
    for argv in setup:
        subprocess.run(argv, cwd=project_copy, env=serve_env, check=True, capture_output=True)
    with Console([*serve, "--workers", "2"], cwd=project_copy, env=serve_env) as console:
        console.wait_for(f"Circles ready at http://127.0.0.1:{serve_env['PORT']}", timeout=120)
        console.wait_for("worker ready", timeout=60)
        yield console


def _queue_reminder(database: Path, push: LocalPushService) -> str:
    """A user with one device and a check-in reminder due now, written straight to the database."""
    subscription = push.new_subscription()
    engine = sa.create_engine(f"sqlite:///{database}", connect_args={"timeout": 30})
    with so.Session(engine) as session:
        user = User(
            email="served@example.com",
            display_name="Served",
            password_hash="not-a-login",
            time_zone="UTC",
            email_confirmed_at=utcnow(),
        )
        session.add(user)
        session.flush()
        keys = subscription["keys"]
        session.add(
            PushSubscription(
                user_id=user.id,
                endpoint=subscription["endpoint"],
                p256dh=keys["p256dh"],
                auth=keys["auth"],
                device="Test browser",
            )
        )
        outbox.enqueue(
            session, user, Kind.load_checkin, "serve", utcnow(), url="/load", tag="load-checkin"
        )
        session.commit()
    engine.dispose()
    return str(subscription["endpoint"])


def test_the_run_command_serves_pages_delivers_reminders_and_stops_both_on_sigterm(
    served: Console, project_copy: Path, serve_env: dict[str, str]
) -> None:
    base = f"http://127.0.0.1:{serve_env['PORT']}"
    page = requests.get(f"{base}/login?next=%2Fsecret-reset-token", timeout=30)
    assert page.status_code == 200
    assert "Log in" in page.text
    served.wait_for('"GET /login HTTP/1.1" 200')  # gunicorn's access log, on the same console
    assert "secret-reset-token" not in served.output  # query strings stay out of the log

    with LocalPushService() as push:
        endpoint = _queue_reminder(project_copy / "instance" / "circles.sqlite3", push)
        try:
            [delivery] = push.wait_for(1, timeout=90, endpoint=endpoint)
        except AssertionError as error:
            raise AssertionError(f"{error}; console:\n{served.output}") from error
    assert delivery.json["title"] and delivery.json["url"] == "/load"

    served.process.send_signal(signal.SIGTERM)
    assert served.wait(timeout=90) == 0, served.output
    assert "worker stopped" in served.output
    assert "Shutting down: Master" in served.output
    assert not served.group_alive()  # neither the web server nor the worker outlived it


def test_emailed_links_follow_the_port_it_serves_on(
    served: Console, project_copy: Path, serve_env: dict[str, str]
) -> None:
    base = f"http://127.0.0.1:{serve_env['PORT']}"
    engine = sa.create_engine(f"sqlite:///{project_copy / 'instance' / 'circles.sqlite3'}")
    with so.Session(engine) as session:
        session.add(User(email="port@example.com", display_name="Port", password_hash="-"))
        session.commit()
    engine.dispose()
    with requests.Session() as browser:
        form = browser.get(f"{base}/password/forgot", timeout=30)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.text)
        assert token is not None
        sent = browser.post(
            f"{base}/password/forgot",
            data={"csrf_token": token.group(1), "email": "port@example.com"},
            timeout=30,
        )
    assert sent.status_code == 200 and "port@example.com" in sent.text
    served.wait_for(f"{base}/password/reset/")  # the emailed link, printed to the console


def test_ctrl_c_in_the_terminal_stops_both_cleanly(served: Console) -> None:
    os.killpg(served.process.pid, signal.SIGINT)  # a terminal sends it to the whole group
    assert served.wait(timeout=90) == 0, served.output
    assert "Circles stopped" in served.output
    assert not served.group_alive()


def test_when_the_worker_dies_the_web_server_is_stopped_too(
    served: Console, serve_env: dict[str, str]
) -> None:
    children = served.children()
    assert len(children) == 2
    worker = next(
        pid
        for pid in children
        if Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[-2:] == [b"worker", b""]
    )
    os.kill(worker, signal.SIGKILL)
    assert served.wait(timeout=90) != 0
    assert "reminder worker stopped (exit status -9)" in served.output
    assert not served.group_alive()


def test_a_port_already_taken_stops_the_worker_too_and_fails(
    project_copy: Path, serve_env: dict[str, str]
) -> None:
    *setup, serve = runnable_steps(readme_run_command())
    for argv in setup:
        subprocess.run(argv, cwd=project_copy, env=serve_env, check=True, capture_output=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", int(serve_env["PORT"])))
        taken.listen()
        with Console(serve, cwd=project_copy, env=serve_env) as console:
            assert console.wait(timeout=120) != 0
            assert not console.group_alive()  # the worker did not outlive the web server
    assert "web server stopped" in console.output
    assert "Circles ready" not in console.output
