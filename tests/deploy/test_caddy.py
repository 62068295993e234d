"""Caddy (`tls internal`) in front of gunicorn with deploy/'s configuration, checked over https.

The proxy checks (the real client address, forged forwarded headers, https links in emails built
behind the proxy) need PROXY_HOPS, which branch `safety` adds; they run once circles/config.py
reads it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.conftest import PASSWORD, database_url
from tests.deploy.layout import DEPLOY, ROOT
from tests.support.console import Console, free_port
from tests.support.databases import fresh_database
from tests.support.mailbox import Mailbox
from tests.support.polling import poll
from tests.support.requirements import missing
from tests.support.settings import raw_vapid_private_key

VENV_BIN = Path(sys.executable).parent
PROXY_SUPPORT = "PROXY_HOPS" in (ROOT / "circles" / "config.py").read_text()
needs_proxy_hops = pytest.mark.skipif(
    not PROXY_SUPPORT, reason="needs PROXY_HOPS in circles/config.py (branch safety)"
)
CLIENT_ADDRESS = "127.0.0.2"  # the "real" client: not the 127.0.0.1 Caddy connects from
USER_EMAIL = "reset@example.com"


class FromAddress(HTTPAdapter):
    """Connections from another loopback address, so the client is not Caddy's address."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (CLIENT_ADDRESS, 0)
        super().init_poolmanager(*args, **kwargs)


@dataclass
class Stack:
    url: str
    gunicorn: Console
    caddy: Console
    ca: Path
    mailbox: Mailbox

    def client(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # REQUESTS_CA_BUNDLE would otherwise replace our CA
        session.verify = str(self.ca)
        session.mount("https://", FromAddress())
        return session


def _wait_until_answering(url: str, console: Console, ca: Path | None = None) -> None:
    """Poll until `url` answers (over https once Caddy's local CA exists), with a deadline."""

    def answering() -> bool:
        try:
            if ca is None or ca.exists():
                requests.get(url, timeout=5, verify=str(ca) if ca else True)
                return True
        except requests.RequestException:
            assert console.process.poll() is None, console.output
        return False

    poll(answering, f"{url} to answer", timeout=90)


def _caddyfile(folder: Path, https_port: int) -> Path:
    path = folder / "Caddyfile"
    path.write_text(
        "{\n"
        "\tadmin off\n"
        "\tskip_install_trust\n"
        "\tauto_https disable_redirects\n"
        f"\thttp_port {free_port()}\n"
        f"\thttps_port {https_port}\n"
        f"\tstorage file_system {folder / 'data'}\n"
        "}\n\n"
        f"https://127.0.0.1:{https_port} {{\n"
        "\tbind 127.0.0.1\n"
        "\ttls internal\n"
        f"\timport {DEPLOY / 'circles-site.caddy'}\n"
        "}\n"
    )
    return path


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, _smtp_server: Mailbox) -> Iterator[Stack]:
    """gunicorn (deploy/gunicorn.conf.py, production settings) behind Caddy on 127.0.0.1."""
    if shutil.which("caddy") is None:
        missing("caddy (apt-get install caddy)")
    folder = tmp_path_factory.mktemp("caddy")
    https_port, app_port = free_port(), free_port()
    url = f"https://127.0.0.1:{https_port}"
    with fresh_database(database_url(), folder) as db_url:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "CIRCLES_"))}
        env.update(
            CIRCLES_ENV="production",
            SECRET_KEY="caddy-test-secret-" + "x" * 32,
            DATABASE_URL=db_url,
            PUBLIC_URL=url,
            PROXY_HOPS="1",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(_smtp_server.port),
            MAIL_FROM="Circles <no-reply@circles.example.org>",
            VAPID_SUBJECT="mailto:ops@circles.example.org",
            VAPID_PRIVATE_KEY=raw_vapid_private_key(),
            RATELIMIT_STORAGE_URI="memory://",
            WEB_CONCURRENCY="1",
            GUNICORN_BIND=f"127.0.0.1:{app_port}",
            ARGON2_TIME_COST="1",
            ARGON2_MEMORY_COST="1024",
        )
        flask = [str(VENV_BIN / "flask"), "--app", "app"]
        subprocess.run(
            [*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        subprocess.run(
            [*flask, "circles", "create-user", "--email", USER_EMAIL, "--name", "Reset"],
            cwd=ROOT,
            env=env,
            input=f"{PASSWORD}\n{PASSWORD}\n",
            text=True,
            check=True,
            capture_output=True,
        )
        gunicorn_argv = [str(VENV_BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py"]
        caddy_env = dict(env, HOME=str(folder), XDG_DATA_HOME=str(folder / "xdg"))
        caddy_env.update(
            XDG_CONFIG_HOME=str(folder / "xdg"), CIRCLES_UPSTREAM=f"127.0.0.1:{app_port}"
        )
        caddyfile = _caddyfile(folder, https_port)
        caddy_argv = ["caddy", "run", "--adapter", "caddyfile", "--config", str(caddyfile)]
        with (
            Console([*gunicorn_argv, "app:app"], cwd=ROOT, env=env) as gunicorn,
            Console(caddy_argv, cwd=folder, env=caddy_env) as caddy,
        ):
            _wait_until_answering(f"http://127.0.0.1:{app_port}/offline", gunicorn)
            ca = folder / "data" / "pki" / "authorities" / "local" / "root.crt"
            _wait_until_answering(f"{url}/offline", caddy, ca)
            yield Stack(url, gunicorn, caddy, ca, _smtp_server)


def test_pages_come_over_verified_https_with_hsts_and_secure_cookies(stack: Stack) -> None:
    page = stack.client().get(f"{stack.url}/login", timeout=30)
    assert page.status_code == 200 and "Log in" in page.text
    hsts = page.headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000  # type: ignore[union-attr]
    cookies = page.headers["Set-Cookie"]
    assert "session=" in cookies and "Secure" in cookies and "HttpOnly" in cookies


def test_pages_and_statics_are_compressed(stack: Stack) -> None:
    client = stack.client()
    for path in ("/login", "/static/app.css"):
        answer = client.get(f"{stack.url}{path}", headers={"Accept-Encoding": "gzip"}, timeout=30)
        assert answer.status_code == 200
        assert answer.headers["Content-Encoding"] == "gzip", path
        assert answer.headers["Vary"].lower().count("accept-encoding") >= 1


def test_fingerprinted_statics_are_cached_for_a_year_and_others_are_not(stack: Stack) -> None:
    client = stack.client()
    hashed = client.get(f"{stack.url}/static/app.css?v=3f2a9c1d", timeout=30)
    assert "immutable" in hashed.headers["Cache-Control"]
    assert "max-age=31536000" in hashed.headers["Cache-Control"]
    plain = client.get(f"{stack.url}/static/app.css", timeout=30)
    assert "immutable" not in plain.headers.get("Cache-Control", "")


def test_the_access_log_leaves_query_strings_out(stack: Stack) -> None:
    stack.client().get(f"{stack.url}/login?next=%2Fprivate-reset-token-42", timeout=30)
    stack.gunicorn.wait_for('"GET /login HTTP/1.1" 200')
    assert "private-reset-token-42" not in stack.gunicorn.output


@needs_proxy_hops
def test_the_access_log_shows_the_real_client_address(stack: Stack) -> None:
    stack.client().get(f"{stack.url}/manifest.webmanifest", timeout=30)
    line = stack.gunicorn.wait_for('"GET /manifest.webmanifest HTTP/1.1" 200', timeout=30)
    assert line.startswith(f"{CLIENT_ADDRESS} "), line


@needs_proxy_hops
def test_forged_forwarded_headers_change_nothing(stack: Stack) -> None:
    forged = {
        "X-Forwarded-For": "203.0.113.7",
        "X-Forwarded-Proto": "http",
        "X-Forwarded-Host": "evil.example",
        "Forwarded": "for=203.0.113.7;proto=http;host=evil.example",
    }
    client = stack.client()
    page = client.get(f"{stack.url}/help", headers=forged, timeout=30)
    assert page.status_code == 200
    assert "evil.example" not in page.text
    line = stack.gunicorn.wait_for('"GET /help HTTP/1.1"', timeout=30)
    assert line.startswith(f"{CLIENT_ADDRESS} "), line
    assert "203.0.113.7" not in stack.gunicorn.output


@needs_proxy_hops
def test_links_in_emails_are_https_on_the_public_address_whatever_the_headers_say(
    stack: Stack,
) -> None:
    mailbox = stack.mailbox
    client = stack.client()
    form = client.get(f"{stack.url}/password/forgot", timeout=30)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.text)
    assert token, form.text
    before = len(mailbox.sent_to(USER_EMAIL))
    answer = client.post(
        f"{stack.url}/password/forgot",
        data={"csrf_token": token.group(1), "email": USER_EMAIL},
        headers={"X-Forwarded-Host": "evil.example", "Referer": f"{stack.url}/password/forgot"},
        timeout=30,
    )
    assert answer.status_code == 200
    body = mailbox.wait_for(USER_EMAIL, timeout=30, after=before).get_content()
    links = re.findall(r"https?://\S+", body)
    assert links and all(link.startswith(f"{stack.url}/password/reset/") for link in links)


def test_the_production_caddyfile_gets_a_lets_encrypt_certificate_for_the_domain(
    tmp_path: Path,
) -> None:
    if shutil.which("caddy") is None:
        missing("caddy (apt-get install caddy)")
    env = dict(
        os.environ,
        HOME=str(tmp_path),
        CIRCLES_DOMAIN="circles.example.org",
        CIRCLES_ACME_EMAIL="ops@example.org",
    )
    adapted = subprocess.run(
        ["caddy", "adapt", "--adapter", "caddyfile", "--config", str(DEPLOY / "Caddyfile")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,  # the site file is found beside the Caddyfile, wherever Caddy starts
        check=True,
    )
    config = json.loads(adapted.stdout)
    [policy] = config["apps"]["tls"]["automation"]["policies"]
    assert policy["subjects"] == ["circles.example.org"]
    assert {"module": "acme", "email": "ops@example.org"} in policy["issuers"]
    [server] = config["apps"]["http"]["servers"].values()
    assert server["routes"][0]["match"] == [{"host": ["circles.example.org"]}]
    assert ":443" in server["listen"]
