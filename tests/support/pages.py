"""Reading pages as a person would."""

from __future__ import annotations

import html
import re
from typing import Any


def text(response: Any) -> str:
    """The words a person sees: tags dropped, entities decoded, white space folded."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
