"""Register documents → the facts the policy decides on (values: adapters/sql/mirror_adapter.py)."""

from __future__ import annotations

from typing import Any

from adapters.personenstandsregister.tables import PsEntry


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
