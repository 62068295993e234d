"""The request class: JSON bodies that cannot be read are a 400, whatever breaks the parser."""

from __future__ import annotations

from typing import Any

from flask import Request
from werkzeug.exceptions import BadRequest


class CirclesRequest(Request):
    """Flask's request, with a JSON body nested too deeply for the parser treated as bad JSON."""

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            if silent:
                return None
            raise BadRequest("The JSON body is nested too deeply.") from None
