"""Meetup formats as data: every shipped format is valid, and bad data is refused by name."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest

from circles.services.meetups import formats
from circles.services.meetups.formats import FormatDataError, StepKind, parse

SHIPPED = json.loads(resources.files("circles.data").joinpath("formats.json").read_text("utf-8"))


def test_the_four_formats_ship_with_their_steps() -> None:
    assert list(formats.FORMATS) == ["circle_round", "forum", "topic_dinner", "case_round"]
    forum = formats.FORMATS["forum"]
    assert forum.has_presenter and not formats.FORMATS["circle_round"].has_presenter
    assert [s.kind for s in forum.steps][:2] == [StepKind.ROUND, StepKind.SINGLE]
    assert formats.FORMATS["topic_dinner"].steps[0].minutes == 15
    checkin, *_rest, closing = forum.steps
    assert (checkin.facilitator, closing.facilitator) == ("first", "last")
    assert [s.title for s in forum.steps if s.experience] == ["Sharing experience"]
    assert [s.title for s in forum.steps if s.presenter_listens] == ["Sharing experience"]
    assert [s.title for s in formats.FORMATS["circle_round"].steps if s.prompt] == ["The prompt"]
    assert formats.get("gone-from-the-data") is formats.FORMATS["circle_round"]


def _broken(change: Any) -> dict[str, Any]:
    document = copy.deepcopy(SHIPPED)
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: d["formats"][1]["steps"][0].update(kind="lecture"), "format 2, step 1: kind"),
        (lambda d: d["formats"][0]["steps"][2].update(minutes=0), "step 3: minutes must be 1"),
        (lambda d: d["formats"][0]["steps"][2].update(minutes="10"), "whole number"),
        (lambda d: d["formats"][2].update(steps=[]), "format 3: needs 1 to"),
        (lambda d: d["formats"][3].update(key="forum"), "used twice"),
        (lambda d: d["formats"][0].update(key="renamed"), "default format"),
        (lambda d: d["formats"][1].update(name=" "), "'name' must be non-empty"),
        (lambda d: d["formats"][0]["steps"][0].update(facilitator="middle"), "facilitator must"),
        (lambda d: d["formats"][0]["steps"][2].update(facilitator="first"), "only a round"),
        (lambda d: d["formats"][1]["steps"][3].update(experience="yes"), "true or false"),
    ],
)
def test_bad_format_data_is_refused_saying_where(change: Any, says: str) -> None:
    with pytest.raises(FormatDataError, match=says):
        parse(_broken(change))


def test_a_new_format_needs_only_the_data_file() -> None:
    document = _broken(
        lambda d: d["formats"].append(
            {
                "key": "walk",
                "name": "Walk and talk",
                "summary": "In pairs, walking.",
                "steps": [{"title": "Walk", "kind": "open", "minutes": 45, "words": "Walk."}],
            }
        )
    )
    assert parse(document)["walk"].minutes == 45
