"""Stacked bar charts as plain data for the SVG template: requests per day and series.

Pure geometry, no SQL: fed by hub.ui.audit.repository.requests_per_day.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hub.domain import Outcome

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 10, 40
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
)  # fmt: skip
OUTCOME_COLOURS: dict[str, str] = {
    Outcome.RELEASED: "#2ca02c",
    Outcome.NEUTRAL: "#7f7f7f",
    Outcome.MANUAL: "#1f77b4",
    Outcome.DENIED: "#d62728",
}
OTHERS = "(others)"


@dataclass(frozen=True, slots=True)
class Segment:
    series: str
    count: int
    y: float
    height: float
    colour: str


@dataclass(frozen=True, slots=True)
class DayBar:
    day: str
    label: str
    x: float
    width: float
    total: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True, slots=True)
class StackedChart:
    key: str
    title: str
    series: tuple[tuple[str, str], ...]  # (name, colour), legend order
    bars: tuple[DayBar, ...]
    ticks: tuple[Tick, ...]
    table: tuple[tuple[str, tuple[int, ...], int], ...]  # day, count per series, total
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM


def _scale_max(peak: int) -> int:
    if peak <= 0:
        return 1
    magnitude: int = 10 ** math.floor(math.log10(peak))
    for step in (1, 2, 5):
        if peak <= step * magnitude:
            return int(step * magnitude)
    return int(10 * magnitude)


def _colours(names: Sequence[str], fixed: dict[str, str]) -> tuple[tuple[str, str], ...]:
    spare = iter(colour for colour in PALETTE if colour not in fixed.values())
    return tuple((name, fixed.get(name) or next(spare, "#444444")) for name in names)


def stacked(
    *,
    key: str,
    title: str,
    days: Sequence[str],
    counts: Iterable[tuple[str, str, int]],
    fixed_colours: dict[str, str] | None = None,
    max_series: int = len(PALETTE),
) -> StackedChart:
    """``counts`` = (day, series, n); the biggest series get their own colour, the rest pool."""
    per_day: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    for day, name, count in counts:
        per_day[day][name] += count
        totals[name] += count
    ranked = sorted(totals, key=lambda name: (-totals[name], name))
    if len(ranked) > max_series:
        keep = set(ranked[: max_series - 1])
        for values in per_day.values():
            pooled = sum(n for name, n in values.items() if name not in keep)
            for name in [name for name in values if name not in keep]:
                del values[name]
            if pooled:
                values[OTHERS] = pooled
        ranked = [*ranked[: max_series - 1], OTHERS]
    series = _colours(ranked, fixed_colours or {})
    plot_height = HEIGHT - TOP - BOTTOM
    peak = _scale_max(max((sum(per_day[day].values()) for day in days), default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    bars, table = [], []
    for index, day in enumerate(days):
        values = per_day.get(day, {})
        bottom = float(HEIGHT - BOTTOM)
        segments = []
        for name, colour in series:
            count = values.get(name, 0)
            if count:
                height = plot_height * count / peak
                bottom -= height
                segments.append(Segment(name, count, round(bottom, 2), round(height, 2), colour))
        total = sum(values.values())
        x = LEFT + index * slot + slot * 0.15
        bars.append(DayBar(day, day[5:], round(x, 2), round(slot * 0.7, 2), total, tuple(segments)))
        table.append((day, tuple(values.get(name, 0) for name, _ in series), total))
    ticks = tuple(
        Tick(value=peak * step // 4, y=round(HEIGHT - BOTTOM - plot_height * step / 4, 2))
        for step in range(5)
    )
    return StackedChart(
        key=key, title=title, series=series, bars=tuple(bars), ticks=ticks, table=tuple(table)
    )
