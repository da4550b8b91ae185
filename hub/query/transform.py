"""Value-level minimisation: release the coarser value, not the field (DSGVO Art. 5 Abs. 1 c).

Applied to each released record after the decision and before the answer (JSON and XMeld),
with exactly the transformations the decision names (vocabulary: governance/transforms.py).
A transformed member gets a new key naming its precision (``date`` -> ``date_year_month``),
so that nobody, a serialiser included, can take a coarse value for a full one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from governance.transforms import DISTRICT, TRANSFORMS, YEAR, YEAR_MONTH
from hub.query.districts import district_of

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-\d{2}")
# The date members of each dated field (adapters/melderegister/mapping.py shapes).
_DATE_KEYS: Mapping[str, tuple[str, ...]] = {
    "birth": ("date",),
    "death": ("date",),
    "move_dates": ("moved_in", "last_moved_out", "moved_away"),
}
_ADDRESS_DATE_KEYS = ("moved_in", "moved_out")  # BMG §34 Abs. 1 Nr. 10 (field move_dates)
_ADDRESS_KEPT_KEYS = ("kind", "current")


class UnknownTransformation(ValueError):
    """The decision named a transformation this hub does not implement: nothing leaves."""


def coarsen_date(value: Any, precision: str) -> str | None:
    """``1980-05-17`` -> ``1980-05`` (year_month) or ``1980`` (year); anything else -> None."""
    found = _ISO_DATE.match(value) if isinstance(value, str) else None
    if found is None:
        return None
    return found.group(1) if precision == YEAR else f"{found.group(1)}-{found.group(2)}"


def _dated(value: Mapping[str, Any], keys: tuple[str, ...], precision: str) -> dict[str, Any]:
    """Only the field's dates, each at the given precision; places and the rest left out."""
    return {f"{key}_{precision}": coarsen_date(value.get(key), precision) for key in keys}


def _district(address: Mapping[str, Any]) -> dict[str, Any]:
    """The municipality and, in Darmstadt, the Stadtteil; never street, number, postal code."""
    district = district_of(street=address.get("street"), city=address.get("city"))
    coarse: dict[str, Any] = {
        "city": address.get("city"),
        "district": district.code if district else None,
        "district_name": district.name if district else None,
    }
    coarse.update({key: address[key] for key in _ADDRESS_KEPT_KEYS if key in address})
    coarse.update({key: address[key] for key in _ADDRESS_DATE_KEYS if key in address})
    return coarse


def _coarse_address_dates(address: Mapping[str, Any], precision: str) -> dict[str, Any]:
    coarse = {key: value for key, value in address.items() if key not in _ADDRESS_DATE_KEYS}
    for key in _ADDRESS_DATE_KEYS:
        if key in address:
            coarse[f"{key}_{precision}"] = coarsen_date(address[key], precision)
    return coarse


def _transform(field: str, value: Any, name: str) -> Any:
    if name not in TRANSFORMS or field not in TRANSFORMS[name]:
        raise UnknownTransformation(f"no transformation {name!r} for the field {field!r}")
    if value is None:
        return None
    if name == DISTRICT:
        return [_district(address) for address in value]
    if isinstance(value, Mapping):
        return _dated(value, _DATE_KEYS[field], name)
    return None  # a dated field that is not a mapping cannot be coarsened: leave nothing


def apply_transforms(values: Mapping[str, Any], transforms: Mapping[str, str]) -> dict[str, Any]:
    """The record's released values with each named field replaced by its coarser value.

    The addresses' Ein-/Auszugsdatum are ``move_dates`` data (mapping.dated_addresses): when
    ``move_dates`` is coarsened, so are they, whatever happens to the addresses.
    """
    result = dict(values)
    for field, name in transforms.items():
        if field in result:
            result[field] = _transform(field, result[field], name)
    precision = transforms.get("move_dates")
    if precision is not None and precision in (YEAR_MONTH, YEAR) and "addresses" in result:
        result["addresses"] = [
            _coarse_address_dates(address, precision) for address in result["addresses"] or []
        ]
    return result
