"""Statistical disclosure control for the open aggregates: the cell-key method plus suppression.

Method (README "Open data and Digitalmonitor"):

* Every unit (a person, an event) carries a fixed *record key* in [0, 1), an HMAC of its id
  under a secret kept in the key directory. A cell's *cell key* is the fractional part of the
  sum of its units' record keys. The same units give the same cell key in every table and
  every release; one unit more or less gives an unrelated one.
* Cells of 1 to threshold-1 units are suppressed (primary suppression). Zeros stay zero.
* Every other count n is published as n + p, p in -2..2 drawn from the cell key through a
  fixed, unbiased table (the cell-key method of the German statistical offices), never below
  the threshold. Margins are perturbed on their own, so cells and margins do not add up
  exactly: recomputing a cell from margins gives a value with noise of several units.
* Secondary suppression runs over all tables of one release together (a cell that occurs
  in two tables is one cell): no line (cells along one dimension and their margin) may hold
  exactly one suppressed cell. The smallest other non-zero cell of the line, else its
  margin, is suppressed too, until no line has a lone suppressed cell.

Why this method: suppression alone is not consistent across releases (two monthly tables
that differ by one reveal a single move); rounding alone leaks at rounding boundaries when
releases are differenced. The cell key ties the noise to the set of units, so a table that
did not change shows the same figures, and a change by one unit shows fresh noise of up to
two in either direction. :func:`attack` is the audit the publisher runs before anything
leaves (fail closed) and the tests run against the published tables.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from math import fsum
from typing import Final

TOTAL: Final = "Insgesamt"
MAX_NOISE: Final = 2
INFINITY: Final = float("inf")
# Perturbation by cell key: unbiased (mean 0), variance 1.2, as in a cell-key p-table.
_P_TABLE: Final = ((0.1, -2), (0.3, -1), (0.7, 0), (0.9, 1), (1.0, 2))
_MODULUS: Final = 2**64

CellKey = tuple[str, ...]  # one value per dimension of the release, TOTAL for margins


def record_key(secret: bytes, unit_id: str) -> int:
    """A unit's fixed record key, 64 bits read as a fraction of 2**64 (a number in [0, 1)).

    Integers, so a cell key does not depend on the order the units were summed in.
    Only who holds the secret can recompute it.
    """
    digest = hmac.new(secret, unit_id.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def perturbation(key_sum: int) -> int:
    """The noise the p-table gives a cell whose record keys sum to ``key_sum``."""
    cell_key = (key_sum % _MODULUS) / _MODULUS
    for bound, noise in _P_TABLE:
        if cell_key < bound:
            return noise
    return MAX_NOISE


@dataclass(slots=True)
class Cell:
    count: int = 0
    key_sum: int = 0


@dataclass(frozen=True, slots=True)
class Published:
    """One published figure: ``value`` is None where suppressed."""

    value: int | None
    primary: bool = False  # suppressed because it is small (not for a line's sake)


@dataclass(kw_only=True)
class Release:
    """All tables over one population and reference (date or period), as published."""

    dimensions: tuple[str, ...]
    categories: Mapping[str, tuple[str, ...]]
    threshold: int
    cells: dict[CellKey, Published] = field(default_factory=dict)
    tables: list[tuple[str, ...]] = field(default_factory=list)  # dimensions of each table

    def lines(self) -> Iterable[tuple[CellKey, list[CellKey]]]:
        """(margin, members) along every dimension of every table."""
        for table in self.tables:
            for dimension in table:
                others = [d for d in table if d != dimension]
                for values in product(*((*self.categories[d], TOTAL) for d in others)):
                    fixed = dict(zip(others, values, strict=True))
                    margin = self.key(fixed)
                    members = [
                        self.key({**fixed, dimension: v}) for v in self.categories[dimension]
                    ]
                    yield margin, members

    def key(self, values: Mapping[str, str]) -> CellKey:
        return tuple(values.get(d, TOTAL) for d in self.dimensions)


def full_cells(
    units: Iterable[tuple[CellKey, int]],
) -> dict[CellKey, Cell]:
    """Count units per innermost cell (every dimension set), with their record keys summed."""
    cells: dict[CellKey, Cell] = {}
    for key, record in units:
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = Cell()
        cell.count += 1
        cell.key_sum += record
    return cells


def aggregate(
    cells: Mapping[CellKey, Cell], *, table: Sequence[str], dimensions: Sequence[str]
) -> dict[CellKey, Cell]:
    """Every cell and margin of a table over ``table``'s dimensions (others: TOTAL)."""
    kept = [i for i, d in enumerate(dimensions) if d in table]
    out: dict[CellKey, Cell] = {}
    for key, cell in cells.items():
        for mask in product((False, True), repeat=len(kept)):
            target = [TOTAL] * len(dimensions)
            for index, as_total in zip(kept, mask, strict=True):
                target[index] = TOTAL if as_total else key[index]
            folded = out.setdefault(tuple(target), Cell())
            folded.count += cell.count
            folded.key_sum += cell.key_sum
    return out


def _perturbed(cell: Cell, threshold: int) -> Published:
    if cell.count == 0:
        return Published(0)
    if cell.count < threshold:
        return Published(None, primary=True)
    return Published(max(threshold, cell.count + perturbation(cell.key_sum)))


def protect(
    cells: Mapping[CellKey, Cell],
    *,
    tables: Sequence[Sequence[str]],
    dimensions: Sequence[str],
    categories: Mapping[str, tuple[str, ...]],
    threshold: int,
) -> Release:
    """Perturb, suppress small cells, then suppress for the lines' sake over all tables."""
    release = Release(
        dimensions=tuple(dimensions),
        categories=categories,
        threshold=threshold,
        tables=[tuple(t) for t in tables],
    )
    counts: dict[CellKey, int] = {}
    for table in release.tables:
        for key, cell in aggregate(cells, table=table, dimensions=dimensions).items():
            release.cells[key] = _perturbed(cell, threshold)
            counts[key] = cell.count
    for table in release.tables:  # cells nobody falls into are published zeros
        for values in product(*((*categories[d], TOTAL) for d in table)):
            release.cells.setdefault(
                release.key(dict(zip(table, values, strict=True))), Published(0)
            )
    _close_gaps(release, counts)
    return release


def _secondary(release: Release) -> None:
    lines = list(release.lines())
    changed = True
    while changed:
        changed = False
        for margin, members in lines:
            line = [*members, margin]
            hidden = [k for k in line if release.cells[k].value is None]
            if len(hidden) != 1:
                continue
            candidates = [k for k in members if (release.cells[k].value or 0) > 0] or [margin]
            chosen = min(candidates, key=lambda k: release.cells[k].value or 0)
            if release.cells[chosen].value is None:  # only the margin is left: it is hidden
                continue
            release.cells[chosen] = Published(None)
            changed = True


def _close_gaps(release: Release, counts: Mapping[CellKey, int]) -> None:
    """Secondary suppression, then the attack; while it pins a small cell, hide one more.

    Two suppressed cells in a line can still fall together (their sum bounded by the line
    allows only 1 + 1); the smallest published non-zero cell of a line through an exposed
    cell, else that line's margin, is suppressed next. Each round hides a cell: it ends.
    """
    lines = list(release.lines())
    _secondary(release)
    while exposed := disclosed(release, counts):
        for key in exposed:
            through = [(m, ms) for m, ms in lines if key == m or key in ms]
            members = [
                k for m, ms in through for k in (*ms, m) if (release.cells[k].value or 0) > 0
            ]
            if members:
                chosen = min(members, key=lambda k: release.cells[k].value or 0)
                release.cells[chosen] = Published(None)
                _secondary(release)  # the new one must not stand alone in its other lines
                break
        else:
            return  # nothing left to hide: the caller's audit refuses the release


# --- The attacker ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Interval:
    low: int
    high: float  # may be unbounded

    @property
    def exact(self) -> bool:
        return self.low == self.high


def _known(published: Published, threshold: int) -> Interval:
    """What the attacker knows of a true count from its published figure alone."""
    if published.value is None:
        return Interval(1, INFINITY)
    if published.value == 0:
        return Interval(0, 0)
    low = max(threshold, published.value - MAX_NOISE)
    return Interval(low, published.value + MAX_NOISE)


def attack(releases: Sequence[Release]) -> dict[CellKey, Interval]:
    """Narrow every cell's interval by the additivity of lines (margin = sum of members).

    The attacker knows the method, the noise bound and the threshold, not the record keys.
    Returns the final intervals of the cells each release suppressed.
    """
    found: dict[CellKey, Interval] = {}
    for release in releases:
        known = {k: _known(p, release.threshold) for k, p in release.cells.items()}
        lines = list(release.lines())
        for _ in range(20):  # interval propagation converges in a few rounds
            if not _narrow(known, lines):
                break
        found.update({k: known[k] for k, p in release.cells.items() if p.value is None})
    return found


def _narrow(known: dict[CellKey, Interval], lines: Sequence[tuple[CellKey, list[CellKey]]]) -> bool:
    changed = False
    for margin, members in lines:
        total = known[margin]
        low_sum = sum(known[m].low for m in members)
        high_sum = fsum(known[m].high for m in members)
        new_total = Interval(max(total.low, low_sum), min(total.high, high_sum))
        if new_total != total:
            known[margin], total, changed = new_total, new_total, True
        for member in members:
            current = known[member]
            others_low = sum(known[m].low for m in members if m != member)
            others_high = fsum(known[m].high for m in members if m != member)
            low = current.low
            if others_high != INFINITY:
                low = max(low, total.low - int(others_high))
            high = min(current.high, total.high - others_low)
            if (low, high) != (current.low, current.high):
                known[member], changed = Interval(low, high), True
    return changed


def disclosed(release: Release, true_counts: Mapping[CellKey, int]) -> list[CellKey]:
    """Cells whose true count is below the threshold yet the attacker pins down exactly."""
    intervals = attack([release])
    return [
        key
        for key, interval in intervals.items()
        if 0 < true_counts.get(key, 0) < release.threshold and interval.exact
    ]
