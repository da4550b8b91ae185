"""The attacker's tools against published tables, shared by the disclosure tests.

The attacker reads only what is published (CSV rows), knows the method (noise at most ±2,
the threshold, zeros exact) and none of the record keys.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from governance.opendata.disclosure import (
    MAX_NOISE,
    TOTAL,
    CellKey,
    Interval,
    Published,
    Release,
    attack,
)
from governance.opendata.statistics import CATEGORIES


def release_from_csv(
    files: Sequence[bytes],
    *,
    dimensions: Sequence[str],
    tables: Sequence[Sequence[str]],
    threshold: int,
) -> Release:
    """Rebuild what one release published from its CSV files (one per table)."""
    release = Release(
        dimensions=tuple(dimensions),
        categories={d: CATEGORIES[d] for d in dimensions},
        threshold=threshold,
        tables=[tuple(t) for t in tables],
    )
    for content, table in zip(files, tables, strict=True):
        for row in csv.DictReader(io.StringIO(content.decode("utf-8"))):
            key = release.key({d: row[d] for d in table})
            value = None if row["gesperrt"] == "1" else int(row["anzahl"])
            if key in release.cells:  # a cell in two tables must show the same figure
                assert release.cells[key].value == value, key
            release.cells[key] = Published(value)
    return release


def derived_small_cells(release: Release, true_counts: Mapping[CellKey, int]) -> list[CellKey]:
    """Suppressed cells below the threshold that the attacker pins down exactly."""
    intervals = attack([release])
    return [
        key
        for key, interval in intervals.items()
        if 0 < true_counts.get(key, 0) < release.threshold and interval.exact
    ]


def known_interval(published: Published, threshold: int) -> Interval:
    if published.value is None:
        return Interval(1, threshold - 1)  # generous to the attacker: assume primary
    if published.value == 0:
        return Interval(0, 0)
    return Interval(max(threshold, published.value - MAX_NOISE), published.value + MAX_NOISE)


def revealed_differences(before: Release, after: Release) -> list[tuple[CellKey, int]]:
    """Cells where differencing two releases pins the change to exactly one unit."""
    found = []
    for key, now in after.cells.items():
        then = before.cells.get(key)
        if then is None:
            continue
        a, b = known_interval(then, before.threshold), known_interval(now, after.threshold)
        low, high = b.low - a.high, b.high - a.low
        if low == high and abs(low) == 1:
            found.append((key, int(low)))
    return found


__all__ = ["TOTAL", "derived_small_cells", "release_from_csv", "revealed_differences"]
