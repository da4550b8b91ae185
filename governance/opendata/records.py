"""Art. 30 records for the open aggregates: the publication is a processing of its own.

Producing anonymised statistics from a register is processing of personal data (the
register rows are read); the result is published to everyone. One record per approved
aggregate, with the same headings as the records per recipient (governance/records.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from governance.models import CatalogueRegister, LegalBasis
from governance.opendata.models import AggregateDefinition
from governance.opendata.repository import approved_aggregate_definitions
from governance.repository import all_rows
from governance.retention import log_retention_class

if TYPE_CHECKING:
    from governance.records import Controller, ProcessingRecord

# What each dimension reads from the register, and how coarse it leaves it.
DIMENSION_SOURCES: Mapping[str, str] = {
    "stadtteil": "Anschrift der Hauptwohnung (nur der Postleitzahlbezirk)",
    "altersgruppe": "Geburtsdatum (nur die Altersgruppe am Stichtag)",
    "geschlecht": "Geschlecht",
    "staatsangehoerigkeit": "Staatsangehörigkeiten (nur deutsch, EU, sonstige)",
    "bewegungsart": "Ein- und Auszugsdatum, Geburts- und Sterbedatum (nur der Monat)",
}
PUBLIC: Mapping[str, str] = {
    "authority": "oeffentlichkeit",
    "title": "Öffentlichkeit (offene Daten: anonymisierte Statistik, dl-by-de/2.0)",
    "category": "public",
}
DISCLOSURE_TOMS = (
    (
        "Geheimhaltung: Fallzahlen unter der Schwelle des Katalogs gesperrt, Sekundärsperrung "
        "über alle Tabellen einer Veröffentlichung, Cell-Key-Verfahren (±2), Prüfung jeder "
        "Veröffentlichung gegen Rückrechnung aus Randsummen vor der Freigabe"
    ),
    (
        "Jede Veröffentlichung ist ein Eintrag im Zugriffsprotokoll (Aggregat, Revision, "
        "Zeilenzahl, nie Werte)"
    ),
)


def open_data_record(
    row: AggregateDefinition,
    *,
    register: CatalogueRegister | None,
    legal_basis: Callable[[Sequence[str]], list[Any]],
    subjects: Sequence[str],
    retention: Mapping[str, Any],
) -> dict[str, Any]:
    """The keyword arguments of a ``governance.records.ProcessingRecord`` but the controller."""
    approval = f"Freigabe durch {row.approved_by}" + (
        f" am {row.approved_at.date().isoformat()}" if row.approved_at else ""
    )
    return {
        "id": f"{row.source_register}/{PUBLIC['authority']}/{row.code}",
        "register": {
            "id": row.source_register,
            "title": register.title if register else row.source_register,
            "owner_office": register.owner_office if register else "",
        },
        "purpose": {"code": row.code, "title": row.title, "description": row.description},
        "legal_basis": legal_basis(row.legal_basis),
        "data_subjects": list(subjects),
        "dimensions": [(d, DIMENSION_SOURCES.get(d, d)) for d in row.dimensions],
        "recipient": dict(PUBLIC),
        "retention": dict(retention),
        "approval": f"{approval} (Revision {row.revision})",
        "toms": list(DISCLOSURE_TOMS),
    }


async def approved_aggregates(
    session: AsyncSession,
) -> tuple[list[AggregateDefinition], dict[str, CatalogueRegister], dict[str, LegalBasis]]:
    rows = await approved_aggregate_definitions(session)
    registers = {r.id: r for r in await all_rows(session, CatalogueRegister)}
    bases = {b.code: b for b in await all_rows(session, LegalBasis)}
    return rows, registers, bases


OPEN_DATA_RETENTION: Final = (
    "Veröffentlichte Tabellen enthalten keine personenbezogenen Daten und bleiben als offene "
    "Daten abrufbar; gelesen werden die Registerdaten nur für die Zählung."
)


async def open_data_records(
    session: AsyncSession, *, controller: Controller
) -> list[ProcessingRecord]:
    """One record per approved open aggregate, appended to the records per recipient."""
    from governance.records import (  # noqa: PLC0415 - governance.records imports this module
        HUB_TOMS,
        LOG_RETENTION,
        NO_TRANSFER,
        DataCategory,
        ProcessingRecord,
        _legal_basis,
        data_subjects,
    )

    rows, registers, bases = await approved_aggregates(session)
    records = []
    for row in rows:
        made = open_data_record(
            row,
            register=registers.get(row.source_register),
            legal_basis=lambda codes: _legal_basis(codes, bases),
            subjects=data_subjects(row.source_register),
            retention={},
        )
        log_class = log_retention_class(row.source_register, authority_category=None, fields=[])
        records.append(
            ProcessingRecord(
                id=made["id"],
                register=made["register"],
                controller=controller,
                purpose=made["purpose"],
                legal_basis=made["legal_basis"],
                data_subjects=made["data_subjects"],
                data_categories=[
                    DataCategory(
                        field=field,
                        title=title,
                        classification="personal",
                        special_category=False,
                        release_status="aggregated",
                    )
                    for field, title in made["dimensions"]
                ],
                recipient=made["recipient"],
                third_country_transfer={"transfer": False, "statement": NO_TRANSFER},
                retention={
                    "log_class": log_class,
                    "log_retention": LOG_RETENTION[log_class],
                    "recipient_retention": OPEN_DATA_RETENTION,
                    "register_duties": [],
                },
                toms={
                    "approval_reference": made["approval"],
                    "approval_basis": "Freigabe des Aggregats durch die Datenverantwortlichen",
                    "hub_measures": [HUB_TOMS[1], *made["toms"]],
                },
                kinds=["opendata"],
                valid_from=None,
                valid_to=None,
            )
        )
    return records
