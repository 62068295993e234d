"""`python -m circles.webserver`: gunicorn, or waitress where gunicorn cannot run."""

from __future__ import annotations

import os
import signal
import sys

import pytest
import requests

from tests.conftest import database_url
from tests.deploy.layout import ROOT
from tests.support.console import Console, free_port
from tests.support.polling import poll


@pytest.mark.parametrize(("server", "banner"), [("waitress", "waitress"), ("gunicorn", "gunicorn")])
def test_each_server_serves_the_app_and_stops_cleanly_on_sigterm(server: str, banner: str) -> None:
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url(), SECRET_KEY="test", PYTHONUNBUFFERED="1")
    argv = [sys.executable, "-m", "circles.webserver", "--server", server, "--workers", "1"]
    with Console([*argv, "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env=env) as web:
        web.wait_for(banner, timeout=60)

        def offline_page() -> requests.Response | None:
            try:
                return requests.get(f"http://127.0.0.1:{port}/offline", timeout=5)
            except requests.ConnectionError:
                assert web.process.poll() is None, web.output
                return None

        page = poll(offline_page, "the server to answer", timeout=60)
        assert page.status_code == 200
        web.process.send_signal(signal.SIGTERM)
        assert web.wait(timeout=60) == 0, web.output
