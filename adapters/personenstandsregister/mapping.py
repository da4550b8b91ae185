"""Register documents → policy facts and field values keyed by field ID (CONTRACT §4).

The import format uses the field IDs as its keys, so every field is a plain copy.
"""

from __future__ import annotations

from typing import Any

from adapters.personenstandsregister.spec import PERSONENSTANDSREGISTER_SPEC
from adapters.personenstandsregister.tables import PsEntry

FIELD_IDS = frozenset(PERSONENSTANDSREGISTER_SPEC.dataset().field_names())


def hit_facts(entry: PsEntry) -> dict[str, Any]:
    """What the policy needs to decide about this entry; no field values.

    Kind, year and event date for the Fortführungsfristen (PStG §5 Abs. 5); Sperrvermerk
    (§64), Stilllegung (§47 Abs. 4 S. 2) and adoption (§63 Abs. 1) for routing.
    """
    return {
        "entry_kind": entry.entry_kind,
        "entry_year": entry.entry_year,
        "event_date": entry.event_date.isoformat(),
        "sperrvermerk": entry.sperrvermerk,
        "stillgelegt": entry.stillgelegt,
        "adoption": entry.adoption,
    }


def field_values(entry: PsEntry, *, fields: frozenset[str]) -> dict[str, Any]:
    """Only the requested (and known) fields."""
    return {field: entry.record.get(field) for field in sorted(fields & FIELD_IDS)}
