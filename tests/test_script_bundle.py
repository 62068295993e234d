"""The one script pages load (static/js/app.js) is the bundle of static/js/src/ as it is now."""

from __future__ import annotations

from pathlib import Path

from tests.support.node import bundle_script

STATIC = Path(__file__).resolve().parents[1] / "static" / "js"


def test_the_committed_bundle_is_built_from_the_current_sources(tmp_path: Path) -> None:
    fresh = bundle_script(tmp_path / "app.js")
    assert fresh == (STATIC / "app.js").read_bytes(), (
        "static/js/app.js is out of date: run `node tests/support/js/bundle.mjs` and commit it"
    )


def test_the_bundle_imports_nothing_up_front_and_page_scripts_stay_apart() -> None:
    code = (STATIC / "app.js").read_text().split("\n", 1)[1]
    assert 'import("./pages/meetup-end.js")' in code  # fetched only when an ended meetup waits
    assert "import " not in code.replace("import(", "")  # no module chained behind the bundle
