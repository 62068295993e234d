"""The container image and compose.yaml: valid, non-root, the same two commands as the units."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

from tests.deploy.layout import ROOT, compose, exec_start

CHECK_JSONSCHEMA = str(Path(sys.executable).parent / "check-jsonschema")


def _validate_compose(path: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with its vendored copy of the Compose Specification's schema."""
    return subprocess.run(
        [CHECK_JSONSCHEMA, "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_compose_yaml_follows_the_compose_specification() -> None:
    result = _validate_compose(ROOT / "compose.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_check_catches_a_misspelt_key(tmp_path: Path) -> None:
    broken = tmp_path / "compose.yaml"
    text = (ROOT / "compose.yaml").read_text()
    broken.write_text(text.replace("    depends_on:", "    depend_on:", 1))
    result = _validate_compose(broken)
    assert result.returncode != 0
    assert "depend_on" in result.stdout + result.stderr


def test_compose_runs_web_worker_postgresql_redis_and_caddy_from_one_image() -> None:
    services = compose()["services"]
    assert {"web", "worker", "migrate", "db", "redis", "caddy"} <= set(services)
    app_services = [services[name] for name in ("web", "worker", "migrate")]
    assert {s["image"] for s in app_services} == {"circles:latest"}
    assert all(s["build"] == "." for s in app_services)
    assert services["db"]["image"].startswith("postgres:")
    assert services["caddy"]["image"].startswith("caddy:")
    assert "ports" not in services["web"]  # only Caddy is reachable from outside
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        env = services[name]["environment"]
        assert env["CIRCLES_ENV"] == "production" and env["PROXY_HOPS"] == "1"
        assert env["PUBLIC_URL"].startswith("https://")
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert env["RATELIMIT_STORAGE_URI"].startswith("redis://")
        assert "instance:/srv/circles/instance" in services[name]["volumes"]  # one set of keys


@pytest.fixture
def dockerfile() -> DockerfileParser:
    return DockerfileParser(path=str(ROOT / "Dockerfile"))


def test_the_image_is_slim_python_and_runs_as_a_user_who_is_not_root(
    dockerfile: DockerfileParser,
) -> None:
    assert dockerfile.baseimage.startswith("python:3.11-slim")
    users = [i["value"] for i in dockerfile.structure if i["instruction"] == "USER"]
    assert users and users[-1] not in {"root", "0", "0:0"}
    last_user = max(i["startline"] for i in dockerfile.structure if i["instruction"] == "USER")
    cmd = next(i for i in dockerfile.structure if i["instruction"] == "CMD")
    assert cmd["startline"] > last_user


def test_the_image_and_compose_run_the_same_commands_as_the_systemd_units(
    dockerfile: DockerfileParser,
) -> None:
    import json

    cmd = next(i for i in dockerfile.structure if i["instruction"] == "CMD")
    assert json.loads(cmd["value"]) == exec_start("circles-web.service")
    services = compose()["services"]
    assert "command" not in services["web"]  # the image's own command
    assert services["worker"]["command"] == exec_start("circles-worker.service")
    assert services["migrate"]["command"][-2:] == ["db", "upgrade"]
    workdir = [i["value"] for i in dockerfile.structure if i["instruction"] == "WORKDIR"]
    assert workdir[-1] == "/srv/circles"  # where the units run too
