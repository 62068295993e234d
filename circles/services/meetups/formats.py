"""Pure (no database): meetup formats, read and checked from package data at import.

Each format is a protocol peer groups use (Circle round, Forum, Topic dinner, Case round) with
its steps: a round (everyone in turn), open floor, or a single speaker, each with suggested
minutes and words for the facilitator. A new format is added by editing ``data/formats.json``.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

DEFAULT_FORMAT = "circle_round"
MAX_STEPS = 12
MAX_STEP_MINUTES = 120


class StepKind(enum.StrEnum):
    ROUND = "round"  # everyone in turn
    OPEN = "open"  # open floor
    SINGLE = "single"  # one speaker: the presenter


class FacilitatorTurn(enum.StrEnum):
    FIRST = "first"  # the facilitator opens the round (check-in)
    LAST = "last"  # the facilitator closes it (check-out)


@dataclass(frozen=True)
class Step:
    title: str
    kind: StepKind
    minutes: int
    words: str
    facilitator: FacilitatorTurn | None = None  # rounds only
    experience: bool = False  # remind: experience, not advice
    prompt: bool = False  # the prompt is read out in full at this step
    presenter_listens: bool = False  # a round the presenter sits out, listening


@dataclass(frozen=True)
class Format:
    key: str
    name: str
    summary: str
    steps: tuple[Step, ...]

    @property
    def minutes(self) -> int:
        return sum(step.minutes for step in self.steps)

    @property
    def has_presenter(self) -> bool:
        return any(step.kind is StepKind.SINGLE for step in self.steps)

    def timeline(self, start: datetime) -> list[tuple[datetime, Step]]:
        """Each step with the time it begins, from the meetup's start."""
        at, out = start, []
        for step in self.steps:
            out.append((at, step))
            at += timedelta(minutes=step.minutes)
        return out


class FormatDataError(ValueError):
    """The format data file is not what the app can run."""


def _text(item: dict[str, Any], name: str, where: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip():
        raise FormatDataError(f"{where}: '{name}' must be non-empty text")
    return value.strip()


def _flag(item: dict[str, Any], name: str, where: str) -> bool:
    value = item.get(name, False)
    if not isinstance(value, bool):
        raise FormatDataError(f"{where}: '{name}' must be true or false")
    return value


def _facilitator_turn(step: dict[str, Any], where: str) -> FacilitatorTurn | None:
    value = step.get("facilitator")
    if value is None:
        return None
    if value not in FacilitatorTurn.__members__.values():
        raise FormatDataError(f"{where}: facilitator must be one of {', '.join(FacilitatorTurn)}")
    if step.get("kind") != StepKind.ROUND:
        raise FormatDataError(f"{where}: only a round has a facilitator's turn")
    return FacilitatorTurn(value)


def parse(document: Any) -> dict[str, Format]:
    """The formats in a data document, each checked; FormatDataError says what is wrong where."""
    if not isinstance(document, dict) or not isinstance(document.get("formats"), list):
        raise FormatDataError("the document needs a 'formats' list")
    found: dict[str, Format] = {}
    for n, item in enumerate(document["formats"]):
        where = f"format {n + 1}"
        if not isinstance(item, dict):
            raise FormatDataError(f"{where}: must be an object")
        key = _text(item, "key", where)
        if key in found:
            raise FormatDataError(f"{where}: the key '{key}' is used twice")
        steps = item.get("steps")
        if not isinstance(steps, list) or not 1 <= len(steps) <= MAX_STEPS:
            raise FormatDataError(f"{where}: needs 1 to {MAX_STEPS} steps")
        parsed = []
        for m, step in enumerate(steps):
            at = f"{where}, step {m + 1}"
            if not isinstance(step, dict):
                raise FormatDataError(f"{at}: must be an object")
            if step.get("kind") not in StepKind.__members__.values():
                raise FormatDataError(f"{at}: kind must be one of {', '.join(StepKind)}")
            minutes = step.get("minutes")
            if not isinstance(minutes, int) or isinstance(minutes, bool):
                raise FormatDataError(f"{at}: minutes must be a whole number")
            if not 1 <= minutes <= MAX_STEP_MINUTES:
                raise FormatDataError(f"{at}: minutes must be 1 to {MAX_STEP_MINUTES}")
            parsed.append(
                Step(
                    _text(step, "title", at),
                    StepKind(step["kind"]),
                    minutes,
                    _text(step, "words", at),
                    _facilitator_turn(step, at),
                    _flag(step, "experience", at),
                    _flag(step, "prompt", at),
                    _flag(step, "presenter_listens", at),
                )
            )
        found[key] = Format(
            key, _text(item, "name", where), _text(item, "summary", where), tuple(parsed)
        )
    if DEFAULT_FORMAT not in found:
        raise FormatDataError(f"the default format '{DEFAULT_FORMAT}' is missing")
    return found


FORMATS: dict[str, Format] = parse(
    json.loads(resources.files("circles.data").joinpath("formats.json").read_text("utf-8"))
)


def get(key: str | None) -> Format:
    """The format with this key; the default for none or a key no longer in the data."""
    return FORMATS.get(key or DEFAULT_FORMAT, FORMATS[DEFAULT_FORMAT])
