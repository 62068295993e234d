"""Push payloads: fixed generic words, opaque same-site urls, small, with sane headers."""

from __future__ import annotations

import inspect
import json
import re

import pytest

from circles.push.payload import (
    MAX_PAYLOAD_BYTES,
    build,
    topic_for,
    ttl_for,
    urgency_for,
)
from circles.services.reminders.kinds import Kind, words

LONGEST_URL = "/" + "a" * 511
LONGEST_TAG = "t" * 64


def test_meetup_hour_payload_is_exact_compact_json() -> None:
    assert build(Kind.meetup_hour, "/meetups/12", "meetup-12") == (
        b'{"title":"Circles","body":"Your circle meets in an hour",'
        b'"url":"/meetups/12","tag":"meetup-12"}'
    )


def test_load_checkin_uses_the_calm_words() -> None:
    document = json.loads(build(Kind.load_checkin, "/log", "load"))

    assert document == {
        "title": "Circles",
        "body": "Time to check in with a peer",
        "url": "/log",
        "tag": "load",
    }


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_stays_under_2_kb_even_with_the_longest_url_and_tag(kind: Kind) -> None:
    payload = build(kind, LONGEST_URL, LONGEST_TAG)

    assert len(payload) < MAX_PAYLOAD_BYTES == 2048
    assert set(json.loads(payload)) == {"title", "body", "url", "tag"}
    declarative = build(kind, LONGEST_URL, LONGEST_TAG, "https://circles.example.org")
    assert len(declarative) < MAX_PAYLOAD_BYTES


@pytest.mark.parametrize("kind", list(Kind))
def test_words_are_calm_and_generic(kind: Kind) -> None:
    title, body = words(kind)

    assert title == "Circles"
    assert 0 < len(body) <= 60
    assert "!" not in title + body
    assert not re.search(r"missed|overdue|forget|warning|streak|burn", body, re.IGNORECASE)


def test_build_takes_no_user_text() -> None:
    # The origin is the app's own address from configuration, never anything a user typed.
    assert list(inspect.signature(build).parameters) == ["kind", "url", "tag", "origin"]


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/x",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "meetups/1",
        "",
        "/a b",
        '/"quoted"',
        "/<script>",
        "/caf\u00e9",
        "/line\nbreak",
        "/" + "a" * 512,
    ],
)
def test_non_path_urls_are_rejected(url: str) -> None:
    with pytest.raises(ValueError, match="url"):
        build(Kind.meetup_soon, url, "tag")


@pytest.mark.parametrize("url", ["/", "/meetups/7", "/log?day=2025-03-01", "/circles/3#rsvp"])
def test_same_site_paths_are_accepted(url: str) -> None:
    assert json.loads(build(Kind.rsvp_nudge, url, "r-1"))["url"] == url


@pytest.mark.parametrize("tag", ["", "a b", "x" * 65, "name:Sam Smith", "<b>"])
def test_tags_must_be_short_opaque_tokens(tag: str) -> None:
    with pytest.raises(ValueError, match="tag"):
        build(Kind.peer_signal, "/", tag)


def test_ttls_are_a_reminders_useful_life_and_never_zero() -> None:
    assert ttl_for(Kind.meetup_hour) == 3600
    assert ttl_for(Kind.meetup_soon) == 6 * 3600
    for kind in Kind:
        assert 3600 <= ttl_for(kind) <= 3 * 86400


def test_urgencies() -> None:
    assert urgency_for(Kind.meetup_hour) == urgency_for(Kind.checkin_soon) == "high"
    low = {Kind.prompt_assigned, Kind.missed_you, Kind.presenter_notes, Kind.season_summary}
    assert {urgency_for(kind) for kind in low} == {"low"}
    others = set(Kind) - {Kind.meetup_hour, Kind.checkin_soon} - low
    assert {urgency_for(kind) for kind in others} == {"normal"}


def test_kinds_are_strings() -> None:
    assert Kind("meetup_soon") is Kind.meetup_soon
    assert build("load_checkin", "/", "t") == build(Kind.load_checkin, "/", "t")  # type: ignore[arg-type]


def test_topics_are_short_url_safe_stable_and_distinct() -> None:
    topic = topic_for(Kind.meetup_soon, "user-3/meetup-9/2025-03-01")

    assert re.fullmatch(r"[A-Za-z0-9_-]{1,32}", topic)
    assert len(topic) == 32
    assert topic == topic_for(Kind.meetup_soon, "user-3/meetup-9/2025-03-01")
    assert topic != topic_for(Kind.meetup_soon, "user-3/meetup-9/2025-03-08")
    assert topic != topic_for(Kind.meetup_hour, "user-3/meetup-9/2025-03-01")
    assert "meetup" not in topic_for(Kind.rsvp_nudge, "meetup")


def test_payloads_carry_the_declarative_web_push_shape_with_an_absolute_navigate() -> None:
    document = json.loads(build(Kind.meetup_hour, "/circles/3", "m-3", "https://circles.example"))
    assert document["web_push"] == 8030
    assert document["notification"] == {
        "title": "Circles",
        "body": "Your circle meets in an hour",
        "navigate": "https://circles.example/circles/3",
        "tag": "m-3",
    }
    assert document["url"] == "/circles/3"  # the service worker reads the same JSON
    for bad in ("circles.example", "https://circles.example/some/path", "javascript:x"):
        with pytest.raises(ValueError, match="scheme://host"):
            build(Kind.meetup_hour, "/", "t", bad)
