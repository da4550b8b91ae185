"""Ledger retention classes (law-matrix §5): one rule for the ledger and the Art. 30 records."""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

# §34 Abs. 4 recipients: their retrievals are not disclosed to the person (BMG §11 Abs. 1 Nr. 3).
SECURITY_CATEGORIES: Final = frozenset({"security_authority", "justice_authority"})


def log_retention_class(
    register: str, *, authority_category: str | None, fields: Collection[str]
) -> str:
    """The class of a retrieval of ``fields`` from ``register`` by that category."""
    if "idnr" in fields:
        return "L-IDNR"
    if register == "gewerberegister":
        return "L-GEWERBE"
    if register == "personenstandsregister":
        return "L-PSTR"
    if register == "melderegister":
        return "L-MELDE-SEC" if authority_category in SECURITY_CATEGORIES else "L-MELDE"
    return "L-DECISION"
