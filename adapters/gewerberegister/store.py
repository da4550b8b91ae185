"""What one Gewerberegister record becomes in the mirror's tables (import and change feed)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from adapters.gewerberegister.records import BusinessRecord
from adapters.gewerberegister.tables import GwBusiness
from adapters.melderegister.lookup import normalise_house_number
from adapters.melderegister.names import koelner_phonetik, normalise_name
from adapters.sql.changes import RecordKind


def business_row(record: Mapping[str, Any]) -> dict[str, Any]:
    address = record["betriebliche_anschrift"]
    designation = record.get("geschaeftsbezeichnung")
    return {
        "business_id": record["business_id"],
        "name_normalised": normalise_name(record["name"]),
        "name_phonetic": koelner_phonetik(record["name"]),
        "designation_normalised": normalise_name(designation) if designation else None,
        "designation_phonetic": koelner_phonetik(designation) if designation else None,
        "street_normalised": normalise_name(address["street"]),
        "house_number": normalise_house_number(address["house_number"]),
        "postal_code": address["postal_code"],
        "betriebsende": date.fromisoformat(record["betriebsende"])
        if record.get("betriebsende")
        else None,
        "record": dict(record),
    }


def protection_marks(_document: Mapping[str, Any]) -> frozenset[str]:
    """The Gewerberegister knows no Sperre (GewO §14 Abs. 5: the public part is public)."""
    return frozenset()


BUSINESS_KIND = RecordKind(
    register="gewerberegister",
    key_name="business_id",
    model=BusinessRecord,
    tables=(GwBusiness,),
    key_columns=(GwBusiness.business_id,),
    rows=lambda document: {GwBusiness: [business_row(document)]},
    protection=protection_marks,
)
