"""Reading pages as a person would."""

from __future__ import annotations

import html
from typing import Any


def text(response: Any) -> str:
    """The response body with HTML entities decoded, for assertions on visible words."""
    return html.unescape(response.get_data(as_text=True))
