"""Generated input to every route from the URL map, logged in and not: never a 500.

Hypothesis posts form fields (every field name any form knows, and others), query strings, path
values (real ids, huge ids, odd keys and tokens) and JSON bodies (deeply nested too) to each rule.
``FUZZ_EXAMPLES`` sets the examples per rule and method (100 by default; more locally).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule
from wtforms.fields.core import UnboundField

from circles.demo import PEOPLE, seed
from circles.extensions import db
from circles.forms.base import Form
from circles.models import User
from circles.models.base import utcnow

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
# Logging out or deleting the account would end the session the other examples run in; their
# bad input is covered by the same form base and by their own tests.
LEAVES_THE_SESSION = {"auth.logout", "me.delete_account"}
# /readyz answers 503 by design while no worker has passed (the test database is never stamped).
NOT_READY_IS_503 = {"health.readyz"}


def _field_names(form: type[Form]) -> set[str]:
    found = {name for name, value in vars(form).items() if isinstance(value, UnboundField)}
    for sub in form.__subclasses__():
        found |= _field_names(sub)
    return found


FIELD_NAMES = sorted(_field_names(Form) | {"csrf_token", "next", "action", "kind", "choice"})
CONTROL = "".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127, 0x85]))

texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(CONTROL + "ab \n"), max_size=20),
    st.sampled_from(["", "y", "on", "yes", "no", "0", "1", "-1", "5", "2", "600", "9" * 40]),
    st.sampled_from(["2026-12-10", "1900-01-01", "9999-12-31", "2026-02-30", "19:00", "25:61"]),
    st.sampled_from(["weekly", "monthly", "fortnightly", "none", "checkin", "raise", "withdraw"]),
    st.sampled_from(["Europe/London", "Mars/Olympus", "../../etc", "x" * 300, "a" * 5000]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True).map(str),
)
form_data = st.dictionaries(
    st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=10)),
    st.one_of(texts, st.lists(texts, max_size=3)),
    max_size=8,
)
query = st.dictionaries(st.sampled_from(["next", "day", "page", "token", "q"]), texts, max_size=2)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["endpoint", "keys", "p256dh", "auth", "expirationTime", "x"]),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=10,
)
json_bodies = st.one_of(
    json_values.map(json.dumps),
    st.integers(min_value=200, max_value=200_000).map(lambda depth: "[" * depth + "]" * depth),
    st.text(max_size=30),
)


def _path_value(converter: str) -> st.SearchStrategy[Any]:
    if converter == "IdConverter":
        return st.one_of(st.integers(1, 8), st.integers(0, 2**70))
    if converter == "OccurrenceKeyConverter":
        return st.from_regex(r"\d{8}T\d{6}Z", fullmatch=True)
    return st.one_of(st.text(min_size=1, max_size=40), st.sampled_from(["1-abc", "2-" + "a" * 40]))


def _rules(app: Flask) -> Iterator[tuple[Rule, str]]:
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static" or rule.endpoint in LEAVES_THE_SESSION:
            continue
        for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
            yield rule, method


def _log_in(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        host = db.session.scalar(db.select(User).where(User.email == PEOPLE[0][0]))
        assert host is not None
        session_id = f"{host.id}:{host.session_version}"
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
        session["seen"] = utcnow().timestamp()


@pytest.fixture
def demo_app(make_app: Callable[..., Flask]) -> Flask:
    app = make_app(MAIL_SERVER="", PUSH_ALLOW_HTTP_LOCALHOST=True)
    with app.app_context():
        seed(db.session, app.extensions["circles_passwords"], utcnow())
        db.session.commit()
    return app


def _fuzz(app: Flask, rule: Rule, method: str, logged_in: bool) -> None:
    converters = {name: type(conv).__name__ for name, conv in rule._converters.items()}
    paths = st.fixed_dictionaries({name: _path_value(c) for name, c in converters.items()})
    adapter = app.url_map.bind("circles.test")
    examples = EXAMPLES if method != "GET" else max(EXAMPLES // 4, 10)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(values=paths, args=query, data=form_data, body=json_bodies, as_json=st.booleans())
    def attempt(
        values: dict[str, Any],
        args: dict[str, str],
        data: dict[str, Any],
        body: str,
        as_json: bool,
    ) -> None:
        url = adapter.build(rule.endpoint, values, method=method, force_external=False)
        client = app.test_client()
        if logged_in:
            _log_in(client, app)
        if as_json and method != "GET":
            response = client.open(
                url,
                method=method,
                query_string=args,
                data=body,
                content_type="application/json",
            )
        else:
            response = client.open(url, method=method, query_string=args, data=data)
        unready = rule.endpoint in NOT_READY_IS_503 and response.status_code == 503
        assert response.status_code < 500 or unready, (
            f"{method} {url} ({'logged in' if logged_in else 'logged out'}) gave "
            f"{response.status_code} for query {args!r}, "
            f"{'JSON ' + body[:200] if as_json else 'form ' + repr(data)[:300]}"
        )

    attempt()


@pytest.mark.parametrize("logged_in", [True, False], ids=["logged-in", "logged-out"])
def test_no_generated_request_to_any_route_gets_a_500(demo_app: Flask, logged_in: bool) -> None:
    tried = 0
    for rule, method in _rules(demo_app):
        _fuzz(demo_app, rule, method, logged_in)
        tried += 1
    assert tried > 40  # every form and JSON route of the app was tried
