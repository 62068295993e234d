"""URL converters for domain ids."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter


class OccurrenceKeyConverter(BaseConverter):
    """An occurrence key: the original UTC start, e.g. 20260317T190000Z."""

    regex = r"\d{8}T\d{6}Z"


def init_app(app: Flask) -> None:
    app.url_map.converters["occurrence"] = OccurrenceKeyConverter
