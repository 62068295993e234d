"""A deploy that changes a static file reaches every installed phone."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from circles import ROOT


@pytest.fixture
def static_copy(tmp_path: Path) -> Path:
    """A copy of the static folder that a test may change, as a deploy would."""
    folder = tmp_path / "static"
    shutil.copytree(ROOT / "static", folder)
    return folder


def _serving(make_app: Callable[..., Flask], folder: Path) -> Flask:
    """A fresh process's app (versions are worked out once per process) on `folder`."""
    app = make_app()
    app.static_folder = str(folder)
    return app


def _cache_name(app: Flask) -> str:
    script = app.test_client().get("/sw.js").get_data(as_text=True)
    found = re.search(r'const CACHE = "(circles-[0-9a-f]+)";', script)
    assert found, script[:300]
    return found.group(1)


def _stylesheet_url(app: Flask) -> str:
    page = app.test_client().get("/offline").get_data(as_text=True)
    found = re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', page)
    assert found, page[:500]
    return found.group(1)


def test_changing_a_static_file_gives_a_new_cache_name_and_url(
    make_app: Callable[..., Flask], static_copy: Path
) -> None:
    before = _serving(make_app, static_copy)
    old_name, old_url = _cache_name(before), _stylesheet_url(before)

    with (static_copy / "app.css").open("a") as css:
        css.write("\n.deployed { color: inherit; }\n")
    after = _serving(make_app, static_copy)

    assert _cache_name(after) != old_name
    assert _stylesheet_url(after) != old_url


def test_changing_the_script_gives_a_new_cache_name(
    make_app: Callable[..., Flask], static_copy: Path
) -> None:
    old_name = _cache_name(_serving(make_app, static_copy))
    with (static_copy / "js" / "app.js").open("a") as script:
        script.write("\n// deployed\n")
    assert _cache_name(_serving(make_app, static_copy)) != old_name


def test_the_same_files_give_the_same_cache_name(
    make_app: Callable[..., Flask], static_copy: Path
) -> None:
    assert _cache_name(_serving(make_app, static_copy)) == _cache_name(
        _serving(make_app, static_copy)
    )


def test_a_versioned_file_is_cached_for_a_year_and_an_old_version_is_not(
    make_app: Callable[..., Flask], static_copy: Path
) -> None:
    app = _serving(make_app, static_copy)
    client = app.test_client()
    url = _stylesheet_url(app)
    current = client.get(url)
    assert current.status_code == 200
    assert current.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Cookie" not in current.headers.get("Vary", "")  # one copy, whoever is logged in
    current.close()
    stale = client.get("/static/app.css?v=000000000000")
    assert "immutable" not in stale.headers.get("Cache-Control", "")
    stale.close()


def test_the_worker_precaches_the_offline_pages_and_the_versioned_files(
    make_app: Callable[..., Flask], static_copy: Path
) -> None:
    app = _serving(make_app, static_copy)
    script = app.test_client().get("/sw.js").get_data(as_text=True)
    precache = re.search(r"const PRECACHE = (\[.*?\]);", script)
    assert precache
    urls = app.json.loads(precache.group(1))
    assert "/offline" in urls and "/offline/log" in urls
    assert _stylesheet_url(app) in urls
    assert any(u.startswith("/static/js/app.js?v=") for u in urls)
    assert all("?v=" in u for u in urls if u.startswith("/static/"))


def test_a_page_loads_one_versioned_script_and_allows_no_inline_script(
    make_app: Callable[..., Flask], static_copy: Path
) -> None:
    app = _serving(make_app, static_copy)
    client = app.test_client()
    page = client.get("/offline")
    scripts = re.findall(r"<script[^>]*>", page.get_data(as_text=True))
    assert len(scripts) == 1, scripts  # the bundle: no chain of module requests
    found = re.search(r'src="(/static/js/app\.js\?v=[0-9a-f]{12})"', scripts[0])
    assert found, scripts
    assert f'"{found.group(1)}"' in client.get("/sw.js").get_data(as_text=True)  # kept offline
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "sha256" not in policy and "unsafe" not in policy


def test_shared_files_are_compressed_and_pages_are_not(
    make_app: Callable[..., Flask], static_copy: Path
) -> None:
    client = _serving(make_app, static_copy).test_client()
    # Browsers offer br over HTTPS, only gzip and deflate over plain HTTP.
    for path, offered, chosen in (
        ("/static/app.css", "gzip, deflate, br", "br"),
        ("/static/js/app.js", "gzip, deflate", "gzip"),
    ):
        response = client.get(path, headers={"Accept-Encoding": offered})
        encoding, vary = response.headers.get("Content-Encoding"), response.headers["Vary"]
        response.close()
        assert encoding == chosen, path
        assert "Accept-Encoding" in vary
    page = client.get("/offline", headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in page.headers  # a page with a token is never compressed
