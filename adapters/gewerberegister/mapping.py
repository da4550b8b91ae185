"""Register documents → the facts the policy decides on (values: adapters/sql/mirror_adapter.py)."""

from __future__ import annotations

from typing import Any

from adapters.gewerberegister.tables import GwBusiness


def hit_facts(business: GwBusiness) -> dict[str, Any]:
    """What the policy needs to decide about this business; no field values.

    The Gewerberegister knows no Auskunftssperre; only whether the business was given up.
    """
    return {"betriebsende": business.betriebsende.isoformat() if business.betriebsende else None}
