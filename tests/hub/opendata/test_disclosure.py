"""Disclosure control, attacked: margins, other tables of the release, consecutive releases."""

from __future__ import annotations

import random

from governance.opendata.disclosure import (
    MAX_NOISE,
    TOTAL,
    Cell,
    Published,
    Release,
    aggregate,
    full_cells,
    protect,
    record_key,
)
from tests.hub.opendata.attacks import derived_small_cells, revealed_differences

SECRET = b"test-secret-of-the-cell-keys"
CATEGORIES = {"a": ("A", "B", "C", "D"), "s": ("m", "w", "x")}
DIMENSIONS = ("a", "s")
TABLES = [("a", "s"), ("a",)]


def _population(seed: int) -> list[tuple[tuple[str, ...], int]]:
    chooser = random.Random(seed)
    size = chooser.randint(15, 120)
    return [
        (
            (chooser.choice(CATEGORIES["a"]), chooser.choices(CATEGORIES["s"], [9, 9, 1])[0]),
            record_key(SECRET, f"{seed}-{i}"),
        )
        for i in range(size)
    ]


def _protect(cells: dict[tuple[str, ...], Cell]) -> Release:
    return protect(cells, tables=TABLES, dimensions=DIMENSIONS, categories=CATEGORIES, threshold=5)


def _true(cells: dict[tuple[str, ...], Cell]) -> dict[tuple[str, ...], int]:
    return {
        k: c.count for k, c in aggregate(cells, table=DIMENSIONS, dimensions=DIMENSIONS).items()
    }


class TestAttacker:
    def test_finds_a_cell_that_margins_give_away(self) -> None:
        """Without secondary suppression a lone small cell falls to margin arithmetic."""
        release = Release(dimensions=("a",), categories={"a": ("A", "B")}, threshold=5)
        release.tables = [("a",)]
        release.cells = {
            ("A",): Published(None, primary=True),
            ("B",): Published(8),
            (TOTAL,): Published(5),
        }
        assert derived_small_cells(release, {("A",): 1, ("B",): 6, (TOTAL,): 7}) == [("A",)]


class TestProtect:
    def test_small_counts_never_appear_and_noise_is_bounded(self) -> None:
        for seed in range(40):
            cells = full_cells(_population(seed))
            release = _protect(cells)
            for key, true in _true(cells).items():
                shown = release.cells[key]
                if 0 < true < release.threshold:
                    assert shown.value is None
                elif shown.value is not None and true:
                    assert abs(shown.value - true) <= MAX_NOISE or shown.value == release.threshold
                    assert shown.value >= release.threshold
                else:
                    assert shown.value in (None, 0)

    def test_no_line_keeps_a_lone_suppressed_cell(self) -> None:
        for seed in range(40):
            release = _protect(full_cells(_population(seed)))
            for margin, members in release.lines():
                hidden = [k for k in (*members, margin) if release.cells[k].value is None]
                assert len(hidden) != 1

    def test_margins_and_other_tables_give_nothing_away(self) -> None:
        for seed in range(300):
            cells = full_cells(_population(seed))
            assert derived_small_cells(_protect(cells), _true(cells)) == [], seed

    def test_same_units_same_figures(self) -> None:
        """Consistency: a table that did not change shows the very same figures."""
        units = _population(7)
        first, second = _protect(full_cells(units)), _protect(full_cells(list(reversed(units))))
        assert first.cells == second.cells


class TestConsecutiveReleases:
    def test_one_unit_more_is_not_revealed(self) -> None:
        for seed in range(200):
            units = _population(seed)
            extra = (units[0][0], record_key(SECRET, f"new-{seed}"))
            before, after = _protect(full_cells(units)), _protect(full_cells([*units, extra]))
            assert revealed_differences(before, after) == [], seed

    def test_one_unit_less_is_not_revealed(self) -> None:
        for seed in range(200):
            units = _population(seed)
            before, after = _protect(full_cells(units)), _protect(full_cells(units[1:]))
            assert revealed_differences(before, after) == [], seed

    def test_the_difference_attack_can_succeed(self) -> None:
        """With a threshold of 2, a zero that becomes a suppressed cell is exactly one move."""
        before = Release(dimensions=("a",), categories={"a": ("A",)}, threshold=2, tables=[("a",)])
        after = Release(dimensions=("a",), categories={"a": ("A",)}, threshold=2, tables=[("a",)])
        before.cells = {("A",): Published(0), (TOTAL,): Published(0)}
        after.cells = {("A",): Published(None, primary=True), (TOTAL,): Published(None)}
        assert revealed_differences(before, after) == [(("A",), 1), ((TOTAL,), 1)]
