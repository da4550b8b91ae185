"""Darmstadt's streets and their Stadtteile, for the ``district`` transformation.

The street table ships as package data (``data/darmstadt_districts.csv``, its header
names the sources); the district codes are the hub's own coding [I] until the
Statistikstelle provides its official street directory.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Final

DARMSTADT: Final = "Darmstadt"
# The nine Stadtteile (darmstadt.de, Stadtporträt); codes are the hub's own [I].
DISTRICTS: Final = MappingProxyType(
    {
        "01": "Darmstadt-Mitte",
        "02": "Darmstadt-Nord",
        "03": "Darmstadt-Ost",
        "04": "Darmstadt-West",
        "05": "Bessungen",
        "06": "Eberstadt",
        "07": "Arheilgen",
        "08": "Wixhausen",
        "09": "Kranichstein",
    }
)
_TABLE = "darmstadt_districts.csv"


@dataclass(frozen=True, slots=True)
class District:
    code: str
    name: str


@cache
def street_districts() -> MappingProxyType[str, District]:
    """Street name -> its Stadtteil; read once from the package data."""
    text = resources.files("hub.query").joinpath("data", _TABLE).read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    table: dict[str, District] = {}
    for row in rows:
        code = row["district"]
        if code not in DISTRICTS:
            raise ValueError(f"{_TABLE}: unknown district code {code!r} for {row['street']!r}")
        table[row["street"]] = District(code=code, name=DISTRICTS[code])
    return MappingProxyType(table)


def district_of(*, street: str | None, city: str | None) -> District | None:
    """The Stadtteil of a Darmstadt street; None elsewhere or for a street not in the table."""
    if city != DARMSTADT or not street:
        return None
    return street_districts().get(street)
