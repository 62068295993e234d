"""The systemd units, the env example and the gunicorn config of deploy/."""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

from tests.deploy.layout import DEPLOY, UNITS, exec_start, unit
from tests.support.requirements import missing

VENV_BIN = Path(sys.executable).parent


def _installed_copy(tmp_path: Path) -> Path:
    """The units with /srv/circles pointing at this checkout, so their commands exist."""
    root = DEPLOY.parent
    for source in UNITS.iterdir():
        text = source.read_text().replace("/srv/circles/.venv/bin", str(VENV_BIN))
        (tmp_path / source.name).write_text(text.replace("/srv/circles", str(root)))
    return tmp_path


def _verify(folder: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("systemd-analyze") is None:
        missing("systemd-analyze (apt-get install systemd)")
    units = sorted(str(path) for path in folder.iterdir())
    return subprocess.run(
        ["systemd-analyze", "verify", *units],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ, SYSTEMD_LOG_LEVEL="warning"),
    )


def test_systemd_analyze_finds_nothing_wrong_in_the_units(tmp_path: Path) -> None:
    result = _verify(_installed_copy(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # not even an unknown key


def test_systemd_analyze_catches_a_misspelt_key(tmp_path: Path) -> None:
    folder = _installed_copy(tmp_path)
    unit_file = folder / "circles-worker.service"
    unit_file.write_text(unit_file.read_text().replace("KillSignal=", "KillSignl="))
    assert "Unknown key 'KillSignl'" in _verify(folder).stderr


def test_the_units_run_gunicorn_the_worker_and_a_nightly_backup() -> None:
    assert exec_start("circles-web.service")[1:] == [
        "--config",
        "deploy/gunicorn.conf.py",
        "app:app",
    ]
    assert exec_start("circles-worker.service")[-4:] == ["--app", "app", "circles", "worker"]
    web = unit("circles-web.service")["Service"]
    assert web["ExecReload"].endswith("HUP $MAINPID")  # graceful restart
    assert unit("circles-worker.service")["Service"]["KillSignal"] == "SIGTERM"
    backup = unit("circles-backup.service")["Service"]
    assert "circles backup" in backup["ExecStart"] and backup["Type"] == "oneshot"
    timer = unit("circles-backup.timer")["Timer"]
    assert timer["OnCalendar"].startswith("*-*-*") and timer["Persistent"] == "true"
    for name in ("circles-web.service", "circles-worker.service", "circles-backup.service"):
        service = unit(name)["Service"]
        assert service["User"] == "circles"
        assert service["EnvironmentFile"] == "/etc/circles/circles.env"


def test_the_env_example_is_production_behind_one_proxy_with_an_https_public_url() -> None:
    settings = dict(
        line.split("=", 1)
        for line in (DEPLOY / "circles.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert settings["CIRCLES_ENV"] == "production"
    assert settings["PROXY_HOPS"] == "1"
    assert settings["PUBLIC_URL"].startswith("https://")
    assert settings["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert settings["RATELIMIT_STORAGE_URI"].startswith("redis://")


def test_gunicorn_trusts_one_proxy_takes_workers_from_the_cores_and_logs_no_queries(
    monkeypatch,
) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setenv("PROXY_HOPS", "set, so that the undo removes what the config adds")
    monkeypatch.delenv("PROXY_HOPS")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert os.environ["PROXY_HOPS"] == "1"  # behind Caddy: one proxy
    assert config["workers"] == 2 * (os.cpu_count() or 1) + 1
    assert config["bind"] == "127.0.0.1:8000"
    assert config["timeout"] > 0 and config["graceful_timeout"] > 0
    assert "%(U)s" in config["access_log_format"]
    assert "%(r)s" not in config["access_log_format"]
    assert "%(q)s" not in config["access_log_format"]
    assert callable(config["post_fork"])
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["workers"] == 3
