"""Geometry for the server-rendered load chart (SVG), so templates only place shapes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from circles.services.load.index import HEAVY_OVER, LIGHT_BELOW, WeekPoint


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    css: str
    title: str
    logged: bool


@dataclass(frozen=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True)
class ArcGeometry:
    width: float
    height: float
    bar_width: float
    band: str  # SVG polygon points: the usual range (steady zone) week by week
    bars: list[Bar]
    months: list[Label]  # where each month's first week starts
    this_week: float  # x of the current week, the last bar


MONTH_LABEL_HEIGHT = 14


def arc_geometry(
    points: Sequence[WeekPoint], scale: int, *, height: float = 120, bar: float = 8, gap: float = 2
) -> ArcGeometry:
    """Bars for each week and the baseline band, in a viewBox of (width x height)."""

    def y(value: float) -> float:
        return round(height - min(value, scale) / scale * (height - 4), 1)

    step = bar + gap
    upper: list[str] = []
    lower: list[str] = []
    bars: list[Bar] = []
    for i, point in enumerate(points):
        x = i * step
        top, bottom = (
            y(point.baseline.value * float(HEAVY_OVER)),
            y(point.baseline.value * float(LIGHT_BELOW)),
        )
        upper += [f"{x},{top}", f"{x + step},{top}"]
        lower = [f"{x + step},{bottom}", f"{x},{bottom}", *lower]
        week = point.end.strftime("%-d %b")
        if point.logged and point.level is not None:
            bars.append(
                Bar(
                    x,
                    y(point.load),
                    round(height - y(point.load), 1),
                    point.level.css,
                    f"Week to {week}: {point.load} ({point.level.word.lower()})",
                    True,
                )
            )
        else:
            bars.append(Bar(x, height - 3, 3, "gap", f"Week to {week}: nothing logged", False))
    months = [
        Label(i * step, point.end.strftime("%b"))
        for i, point in enumerate(points)
        if i == 0 or point.end.month != points[i - 1].end.month
    ]
    if len(months) > 1 and months[1].x - months[0].x < 3 * step:
        months = months[1:]  # a month with only a week or two shown would crowd its neighbour
    this_week = (len(points) - 1) * step if points else 0.0
    # "This week" is written under the last bars, so a month starting there gives way to it.
    months = [label for label in months if label.x < this_week - 5 * step]
    return ArcGeometry(
        len(points) * step, height, bar, " ".join(upper + lower), bars, months, this_week
    )
