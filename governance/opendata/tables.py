"""Published tables: one release per statistic and reference, one table per definition.

All approved definitions over the same statistic and reference are protected together
(governance/opendata/disclosure.py), so a cell two tables share is one cell with one value
and one suppression status, and secondary suppression looks at the lines of every table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

import orjson

from governance.opendata.disclosure import TOTAL, Cell, Release, full_cells, protect, record_key
from governance.opendata.statistics import CATEGORIES, COLUMN_TITLES, DIMENSIONS, Statistic


@dataclass(frozen=True, slots=True, kw_only=True)
class TableSpec:
    """What the publisher needs of an approved definition."""

    code: str
    revision: int
    title: str
    statistic: Statistic
    dimensions: tuple[str, ...]
    threshold: int
    licence: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    spec: TableSpec
    reference: str
    reference_column: str  # stichtag | monat
    rows: list[dict[str, Any]]

    @property
    def columns(self) -> list[str]:
        return [self.reference_column, *self.spec.dimensions, "anzahl", "gesperrt"]

    @property
    def suppressed(self) -> int:
        return sum(1 for row in self.rows if row["gesperrt"])

    def csv_bytes(self) -> bytes:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.columns, lineterminator="\n")
        writer.writeheader()
        for row in self.rows:
            writer.writerow({**row, "anzahl": "" if row["anzahl"] is None else row["anzahl"]})
        return out.getvalue().encode("utf-8")

    def json_bytes(self) -> bytes:
        document = {
            "aggregat": self.spec.code,
            "titel": self.spec.title,
            "revision": self.spec.revision,
            self.reference_column: self.reference,
            "lizenz": self.spec.licence,
            "geheimhaltung": {
                "verfahren": "Cell-Key-Verfahren (±2) mit Primär- und Sekundärsperrung",
                "schwelle": self.spec.threshold,
            },
            "spalten": [{"id": c, "titel": COLUMN_TITLES[c]} for c in self.columns],
            "zeilen": self.rows,
        }
        return orjson.dumps(document, option=orjson.OPT_INDENT_2)


def release_dimensions(statistic: Statistic) -> tuple[str, ...]:
    return DIMENSIONS[statistic]


def protect_release(
    cells: Mapping[tuple[str, ...], Cell], specs: Sequence[TableSpec], statistic: Statistic
) -> Release:
    dimensions = release_dimensions(statistic)
    return protect(
        cells,
        tables=[spec.dimensions for spec in specs],
        dimensions=dimensions,
        categories={d: CATEGORIES[d] for d in dimensions},
        threshold=max((spec.threshold for spec in specs), default=5),
    )


def count_units(
    units: Iterable[tuple[str, Mapping[str, str]]], *, secret: bytes, statistic: Statistic
) -> dict[tuple[str, ...], Cell]:
    """Innermost cells of ``(unit id, cell values)``: counts and record-key sums."""
    dimensions = release_dimensions(statistic)
    return full_cells(
        (tuple(values[d] for d in dimensions), record_key(secret, unit_id))
        for unit_id, values in units
    )


def tables_of(
    release: Release, specs: Sequence[TableSpec], *, reference: str, reference_column: str
) -> list[Table]:
    tables = []
    for spec in specs:
        rows = []
        for values in product(*((*CATEGORIES[d], TOTAL) for d in spec.dimensions)):
            named = dict(zip(spec.dimensions, values, strict=True))
            published = release.cells[release.key(named)]
            rows.append(
                {
                    reference_column: reference,
                    **named,
                    "anzahl": published.value,
                    "gesperrt": int(published.value is None),
                }
            )
        tables.append(
            Table(spec=spec, reference=reference, reference_column=reference_column, rows=rows)
        )
    return tables
