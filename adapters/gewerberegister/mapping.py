"""Register documents → policy facts and field values keyed by field ID (CONTRACT §4).

The import format uses the field IDs as its keys, so every field is a plain copy.
"""

from __future__ import annotations

from typing import Any

from adapters.gewerberegister.spec import GEWERBEREGISTER_SPEC
from adapters.gewerberegister.tables import GwBusiness

FIELD_IDS = frozenset(GEWERBEREGISTER_SPEC.dataset().field_names())


def hit_facts(business: GwBusiness) -> dict[str, Any]:
    """What the policy needs to decide about this business; no field values.

    The Gewerberegister knows no Auskunftssperre; only whether the business was given up.
    """
    return {"betriebsende": business.betriebsende.isoformat() if business.betriebsende else None}


def field_values(business: GwBusiness, *, fields: frozenset[str]) -> dict[str, Any]:
    """Only the requested (and known) fields."""
    return {field: business.record.get(field) for field in sorted(fields & FIELD_IDS)}
