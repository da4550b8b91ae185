"""Value-level minimisation: the fixed vocabulary of transformations an allowance may name.

Where a purpose needs less precision than a field holds, the coarser value leaves the hub,
not the field (DSGVO Art. 5 Abs. 1 lit. c; BMG §34 Abs. 1: only what the task needs).
An allowance maps a field to one transformation (``{"birth": "year_month"}``); the steward
approves it with the allowance, the policy names it in the decision, and the query path
applies it after the decision and before the answer (``hub/query/transform.py``).

The vocabulary is closed: a name outside it, or a transformation on a field it does not
fit, is refused by the catalogue (422) and withheld by the policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

YEAR_MONTH: Final = "year_month"  # every date of the field as YYYY-MM, nothing else
YEAR: Final = "year"  # every date of the field as YYYY, nothing else
DISTRICT: Final = "district"  # each address as its municipality and city district only

# Transformation -> the Melderegister fields (field IDs) it applies to.
_DATED_FIELDS: Final = frozenset({"birth", "death", "move_dates"})
TRANSFORMS: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        YEAR_MONTH: _DATED_FIELDS,
        YEAR: _DATED_FIELDS,
        DISTRICT: frozenset({"addresses"}),
    }
)
# Transformations are defined on Melderegister field values only.
TRANSFORM_REGISTERS: Final = frozenset({"melderegister"})


def transform_problems(
    *, register: str, fields: list[str] | tuple[str, ...], transforms: Mapping[str, str]
) -> list[tuple[str, str]]:
    """(field, problem) for every transformation the allowance cannot carry."""
    problems: list[tuple[str, str]] = []
    for field, name in transforms.items():
        if name not in TRANSFORMS:
            problems.append((field, f"unknown transformation {name!r}"))
        elif register not in TRANSFORM_REGISTERS:
            problems.append((field, f"{register} fields take no transformation"))
        elif field not in TRANSFORMS[name]:
            problems.append((field, f"{name!r} does not apply to the field {field!r}"))
        elif field not in fields:
            problems.append((field, f"{field!r} is not among the allowance's fields"))
    return problems
