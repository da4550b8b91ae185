"""Reading the access ledger: the DPO's filters and exports, the citizen view.

Every read is itself a ledger entry, committed before the answer: the DPO's access to the
logs is logged (accountability, DSGVO Art. 5 Abs. 2), and so is a person's access to what
was disclosed about them (BMG §40 Abs. 4).
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from joserfc import jws
from joserfc.jwk import ECKey
from sqlalchemy.ext.asyncio import AsyncSession

from governance.catalogue import Catalogue
from governance.retention import SECURITY_CATEGORIES
from hub.audit.ledger import read_repository
from hub.audit.ledger.chain import HASHED_COLUMNS
from hub.audit.ledger.retention import END_OF_FOLLOWING_YEAR, MONTHS, oldest_kept
from hub.audit.ledger.service import LedgerRecord, LedgerUnit
from hub.audit.ledger.writer import LedgerWriter
from hub.auth.dependencies import Principal
from hub.auth.keys import SIGNING_ALGORITHM
from hub.domain import LedgerKind, Outcome
from hub.errors import InvalidQuery
from hub.models import LedgerEntry

ENTRY_COLUMNS = (*HASHED_COLUMNS, "entry_hash")
MAX_LIMIT = 1000
EXPORT_BATCH = 1000
AUDIT_REGISTER = read_repository.AUDIT_REGISTER
DPO_LEGAL_BASIS = ("BMG §40 Abs. 5", "DSGVO Art. 39")
CITIZEN_LEGAL_BASIS = ("BMG §10", "BMG §11", "DSGVO Art. 15")


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditFilters:
    """The ledger's filters; ``from_`` inclusive, ``to`` exclusive; all ids and codes."""

    from_: datetime | None = None
    to: datetime | None = None
    authority: str | None = None
    client: str | None = None
    user: str | None = None
    purpose: str | None = None
    register: str | None = None
    outcome: str | None = None
    person: str | None = None
    # The caller's file number, matched regardless of case (the workbench's filter).
    case_reference: str | None = None
    # The DPO's own reads (register "audit") left out: disclosures apart from their review.
    without_reads: bool = False

    def used(self) -> dict[str, str]:
        """The filters given, by their query name, as the ledger and exports record them."""
        used: dict[str, str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "without_reads":
                if value:
                    used["reads"] = "excluded"
            elif value is not None:
                name = item.name.rstrip("_")
                used[name] = _iso(value) if isinstance(value, datetime) else str(value)
        return used


def _utc(value: datetime) -> datetime:
    # SQLite returns naive UTC, PostgreSQL aware: compare and print aware UTC on both.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _iso(value: datetime) -> str:
    return _utc(value).isoformat(timespec="microseconds").replace("+00:00", "Z")


def encode_cursor(occurred_at: datetime, entry_id: str) -> str:
    raw = json.dumps([_iso(occurred_at), entry_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, entry_id = json.loads(raw)
        return _utc(datetime.fromisoformat(str(stamp))), str(entry_id)
    except (binascii.Error, ValueError, TypeError) as error:
        raise InvalidQuery(
            "cursor: not a cursor of this ledger",
            errors=[{"pointer": "/query/cursor", "detail": "invalid cursor"}],
        ) from error


def entry_json(entry: LedgerEntry) -> dict[str, Any]:
    """The entry as stored: ids, names, reasons, legal basis; the ledger holds no values."""
    body: dict[str, Any] = {}
    for column in ENTRY_COLUMNS:
        value = getattr(entry, column)
        body[column] = _iso(value) if isinstance(value, datetime) else value
    return body


async def list_entries(
    session: AsyncSession, filters: AuditFilters, *, limit: int, cursor: str | None
) -> dict[str, Any]:
    after = decode_cursor(cursor) if cursor is not None else None
    rows = await read_repository.entry_page(session, filters, after=after, limit=limit + 1)
    page = rows[:limit]
    following = (
        encode_cursor(page[-1].occurred_at, page[-1].entry_id) if len(rows) > limit else None
    )
    return {
        "entries": [entry_json(row) for row in page],
        "total": await read_repository.count_entries(session, filters),
        "next": following,
    }


async def iterate_slice(
    session: AsyncSession, filters: AuditFilters
) -> AsyncIterator[dict[str, Any]]:
    after: tuple[datetime, str] | None = None
    while True:
        rows = await read_repository.entry_page(session, filters, after=after, limit=EXPORT_BATCH)
        for row in rows:
            yield entry_json(row)
        if len(rows) < EXPORT_BATCH:
            return
        after = (rows[-1].occurred_at, rows[-1].entry_id)
        session.expunge_all()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):  # fields_transformed: "birth=year_month;addresses=district"
        value = [f"{key}={item}" for key, item in value.items()]
    text = ";".join(str(item) for item in value) if isinstance(value, list) else str(value)
    # Ids and case references come from callers: never let a spreadsheet run them as formulas.
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def entries_csv(entries: Sequence[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ENTRY_COLUMNS)
    for entry in entries:
        writer.writerow([_csv_cell(entry[column]) for column in ENTRY_COLUMNS])
    return buffer.getvalue()


def canonical_json(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def signed_export(
    key: ECKey, *, filters: AuditFilters, entries: Sequence[Mapping[str, Any]], exported_by: str
) -> dict[str, Any]:
    """A compact JWS over the canonical JSON of the slice; verify with /.well-known/jwks.json."""
    document = {
        "exported_at": _iso(datetime.now(UTC)),
        "exported_by": exported_by,
        "filters": filters.used(),
        "total": len(entries),
        "entries": list(entries),
    }
    header = {"alg": SIGNING_ALGORITHM, "kid": key.kid, "typ": "audit-export+json"}
    signature = jws.serialize_compact(
        header, canonical_json(document), key, algorithms=[SIGNING_ALGORITHM]
    )
    return {"kid": key.kid, "alg": SIGNING_ALGORITHM, "total": len(entries), "jws": signature}


def retention_cutoffs(now: datetime) -> dict[str, datetime]:
    """The oldest time each retention class still keeps, as of ``now``.

    The same periods as the purge (hub.audit.ledger.retention), as lower time bounds for SQL.
    """
    cutoffs = {name: oldest_kept(name, now) for name in (*END_OF_FOLLOWING_YEAR, *MONTHS)}
    # UTC for the bind: SQLite drops the offset of an aware datetime.
    return {name: cutoff.astimezone(UTC) for name, cutoff in cutoffs.items() if cutoff}


async def citizen_view(
    session: AsyncSession,
    catalogue: Catalogue,
    *,
    register: str,
    person_id: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Disclosures about one person as the person may see them (BMG §10/§11, DSGVO Art. 15).

    Only automated releases of this person's data within retention. Left out without trace
    (their existence must not show): §34 Abs. 4 recipients (BMG §11 Abs. 1 Nr. 3) and
    non-automated transfers (manual outcomes, §11 Abs. 1 Nr. 2).
    """
    cutoffs = retention_cutoffs(_utc(now or datetime.now(UTC)))
    secret = sorted(
        code
        for code, authority in catalogue.authorities.items()
        if authority.category in SECURITY_CATEGORIES
    )
    disclosures = []
    rows = await read_repository.citizen_disclosures(
        session, register=register, person_id=person_id, cutoffs=cutoffs, secret_authorities=secret
    )
    for row in rows:
        authority = catalogue.authorities.get(row.authority or "")
        purpose = catalogue.purposes.get(row.purpose or "")
        disclosures.append(
            {
                "entry_id": row.entry_id,
                "time": _iso(row.occurred_at),
                "recipient": {
                    "authority": row.authority,
                    "name": authority.title if authority else row.authority,
                },
                "purpose": row.purpose,
                "purpose_title": purpose.title if purpose else None,
                "fields_released": list(row.fields_released),
                "legal_basis": list(row.legal_basis),
            }
        )
    return {
        "register": register,
        "person_id": person_id,
        "disclosures": disclosures,
        "total": len(disclosures),
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadNote:
    """What a ledger read asked for: the endpoint and its filters (codes and ids only)."""

    what: str
    filters: Mapping[str, str]
    person_ids: Sequence[str] = ()
    legal_basis: Sequence[str] = DPO_LEGAL_BASIS


async def record_read(
    session: AsyncSession,
    principal: Principal,
    *,
    writer: LedgerWriter,
    request_id: str,
    user_id: str | None,
    note: ReadNote,
    outcome: Outcome,
    http_status: int,
) -> None:
    """Have the group-commit writer make the read durable, before anything is answered.

    The read's own transaction is ended first, so the request holds no connection (and on
    SQLite no read snapshot) while it waits; ``AuditUnavailable`` (503) if not written.
    """
    record = LedgerRecord(
        request_id=request_id,
        register=AUDIT_REGISTER,
        kind=LedgerKind.READ,
        outcome=outcome,
        http_status=http_status,
        client_id=principal.client_id,
        authority=principal.authority,
        user_id=user_id,
        fields_requested=[note.what],
        hit_person_ids=list(note.person_ids),
        reasons=[f"filter:{name}={value}" for name, value in sorted(note.filters.items())],
        legal_basis=list(note.legal_basis),
    )
    await session.rollback()
    await writer.write(LedgerUnit(record=record))
