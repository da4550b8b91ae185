"""policies/COVERAGE.md is the reviewer's map from the law matrix's rows to tests; it must not rot.

Every row of the map names at least one Rego test and one end-to-end API test, and every
name it cites exists: Rego tests as discovered by ``hub policy test``, golden cases in
``policies/testdata/``, API tests as ``def test_...`` under ``tests/``. Every matrix row ID
listed in ``MATRIX_ROWS`` has a row in the map, so a row cannot silently drop out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from hub.policy.rego_tests import discover_tests, golden_cases, load_engine, rego_files

ROOT = Path(__file__).resolve().parents[2]
POLICY_DIR = ROOT / "policies"
COVERAGE = POLICY_DIR / "COVERAGE.md"
TESTS_DIR = ROOT / "tests"

# The rows of ../shared/spec/law-matrix.md §0, §2, §3, §4 (the city's specification, kept
# outside the repository) by the IDs COVERAGE.md gives them.
MATRIX_ROWS = (
    *(f"G{number}" for number in range(1, 11)),
    *(f"M{number}" for number in range(1, 18)),  # M18, M19 are ledger rows, not decisions
    *(f"GW{number}" for number in range(1, 8)),
    *(f"PS{number}" for number in range(1, 8)),
)
_NAME = re.compile(r"`([A-Za-z0-9_.]+)`")


@dataclass(frozen=True, slots=True)
class MapRow:
    row_id: str
    rego_tests: tuple[str, ...]
    golden: tuple[str, ...]
    api_tests: tuple[str, ...]


def _names(cell: str) -> tuple[str, ...]:
    return tuple(_NAME.findall(cell))


def _map_rows(text: str) -> list[MapRow]:
    rows = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not re.fullmatch(r"(G|M|GW|PS)\d+", cells[0]):
            continue
        rows.append(MapRow(cells[0], _names(cells[2]), _names(cells[3]), _names(cells[4])))
    return rows


def _api_test_names() -> set[str]:
    pattern = re.compile(r"^\s*(?:async\s+)?def (test_\w+)\(", re.MULTILINE)
    return {
        name
        for path in TESTS_DIR.rglob("test_*.py")
        for name in pattern.findall(path.read_text(encoding="utf-8"))
    }


@pytest.fixture(scope="module")
def map_rows() -> list[MapRow]:
    rows = _map_rows(COVERAGE.read_text(encoding="utf-8"))
    assert rows, f"no map rows found in {COVERAGE}"
    return rows


def test_every_matrix_row_is_mapped(map_rows: list[MapRow]) -> None:
    mapped = [row.row_id for row in map_rows]
    assert sorted(set(MATRIX_ROWS) - set(mapped)) == []
    assert len(mapped) == len(set(mapped)), "a row ID appears twice"


def test_every_row_has_a_rego_test_and_an_api_test(map_rows: list[MapRow]) -> None:
    thin = [row.row_id for row in map_rows if not row.rego_tests or not row.api_tests]
    assert thin == [], "rows without a Rego test or an end-to-end API test"


def test_every_cited_rego_test_exists(map_rows: list[MapRow]) -> None:
    engine, _ = load_engine(rego_files(POLICY_DIR), root=POLICY_DIR)
    known = {test.name for test in discover_tests(engine)}
    missing = sorted({name for row in map_rows for name in row.rego_tests} - known)
    assert missing == []


def test_every_cited_golden_case_exists(map_rows: list[MapRow]) -> None:
    known = set(golden_cases(POLICY_DIR))
    missing = sorted({name for row in map_rows for name in row.golden} - known)
    assert missing == []


def test_every_cited_api_test_exists(map_rows: list[MapRow]) -> None:
    known = _api_test_names()
    missing = sorted({name for row in map_rows for name in row.api_tests} - known)
    assert missing == []


def test_the_map_check_catches_a_missing_name() -> None:
    """A row goes through the same parser; a cited name that does not exist is reported."""
    [row] = _map_rows("| G1 | client known | `test_no_such_rule` | | `test_no_such_api_test` |")
    assert row == MapRow("G1", ("test_no_such_rule",), (), ("test_no_such_api_test",))
    assert set(row.api_tests) - _api_test_names() == {"test_no_such_api_test"}
