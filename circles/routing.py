"""URL converters for domain ids."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import BaseConverter, IntegerConverter

from circles.models.base import MAX_ID


class OccurrenceKeyConverter(BaseConverter):
    """An occurrence key: the original UTC start, e.g. 20260317T190000Z."""

    regex = r"\d{8}T\d{6}Z"


class IdConverter(IntegerConverter):
    """Integer ids no bigger than the databases store: anything larger is a 404, not a 500."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["occurrence"] = OccurrenceKeyConverter
