"""Pure (no database): the single-item burnout measure (Rohland et al. 2004, used in the Mini-Z).

"Using your own definition of burnout, how would you rate your level of burnout?" Five answers;
3 to 5 are the ones the research counts as burnout. A screen, not a diagnosis.
"""

from __future__ import annotations

from collections.abc import Sequence

QUESTION = "Using your own definition of burnout, how would you rate your level of burnout?"
ANSWERS = {
    1: "I enjoy my work. I have no symptoms of burnout.",
    2: "Occasionally I am under stress, and I don't always have as much energy as I once did, "
    "but I don't feel burned out.",
    3: "I am definitely burning out and have one or more symptoms of burnout, such as physical "
    "and emotional exhaustion.",
    4: "The symptoms of burnout that I'm experiencing won't go away. I think about frustration "
    "at work a lot.",
    5: "I feel completely burned out and often wonder if I can go on. I am at the point where I "
    "may need some changes or may need to seek some sort of help.",
}
BURNOUT_FROM = 3


def counts_as_burnout(answer: int) -> bool:
    return answer >= BURNOUT_FROM


def calls_for_checkin(latest_first: Sequence[int], heavy_week: bool) -> bool:
    """Two checks in a row at 3 or more, or a heavy week with the latest at 3 or more."""
    if not latest_first:
        return False
    if heavy_week and counts_as_burnout(latest_first[0]):
        return True
    return len(latest_first) >= 2 and all(counts_as_burnout(a) for a in latest_first[:2])


def needs_help_now(answer: int) -> bool:
    """The last answer: show the crisis line and suggest a professional."""
    return answer == max(ANSWERS)
