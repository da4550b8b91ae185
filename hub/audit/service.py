"""Writing and verifying the access ledger (CONTRACT §7)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit import repository
from hub.audit.chain import CHAINED_COLUMNS, GENESIS_HASH, entry_hash
from hub.models import LedgerEntry

SECURITY_CATEGORIES = frozenset({"security_authority", "justice_authority"})


@dataclass(kw_only=True)
class LedgerRecord:
    """What happened, as the ledger keeps it: names and ids, never field values."""

    request_id: str
    register: str
    outcome: str
    http_status: int
    client_id: str | None = None
    authority: str | None = None
    authority_category: str | None = None
    user_id: str | None = None
    user_roles: list[str] = field(default_factory=list)
    user_roles_ignored: list[str] = field(default_factory=list)
    purpose: str | None = None
    case_reference: str | None = None
    kind: str | None = None
    hit_person_ids: list[str] = field(default_factory=list)
    released_person_ids: list[str] = field(default_factory=list)
    hit_ids: list[str] = field(default_factory=list)
    fields_requested: list[str] = field(default_factory=list)
    fields_released: list[str] = field(default_factory=list)
    fields_withheld: list[str] = field(default_factory=list)
    decision_id: str | None = None
    policy_revision: str | None = None
    catalogue_revision: int | None = None
    legal_basis: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def retention_class(record: LedgerRecord) -> str:
    """Retention classes of law-matrix §5."""
    if "idnr" in record.fields_released:
        return "L-IDNR"
    if record.register == "gewerberegister":
        return "L-GEWERBE"
    if record.register == "personenstandsregister":
        return "L-PSTR"
    if record.register == "melderegister":
        return "L-MELDE-SEC" if record.authority_category in SECURITY_CATEGORIES else "L-MELDE"
    return "L-DECISION"


async def append(session: AsyncSession, record: LedgerRecord) -> LedgerEntry:
    """Add the entry to the session's transaction; the caller's commit makes it durable."""
    last_seq, last_hash = await repository.lock_chain_head(session)
    values = {
        column: getattr(record, column) for column in CHAINED_COLUMNS if hasattr(record, column)
    }
    values.update(
        seq=last_seq + 1,
        entry_id=str(uuid.uuid4()),
        occurred_at=datetime.now(UTC),
        tag=f"query:{record.register}:{record.outcome}",
        retention_class=retention_class(record),
        prev_hash=last_hash,
    )
    values["entry_hash"] = entry_hash(values)
    return repository.insert_entry(session, values)


@dataclass(frozen=True, slots=True)
class VerifyReport:
    ok: bool
    entries: int
    first_broken_seq: int | None = None
    problem: str | None = None

    def as_json(self) -> dict[str, object]:
        body: dict[str, object] = {"ok": self.ok, "entries": self.entries}
        if not self.ok:
            body["first_broken"] = {"seq": self.first_broken_seq, "problem": self.problem}
        return body


def _check(entry: LedgerEntry, *, expected_seq: int, expected_prev: str) -> str | None:
    if entry.seq != expected_seq:
        return (
            f"sequence gap: expected {expected_seq}, found {entry.seq} (entry deleted or inserted)"
        )
    if entry.prev_hash != expected_prev:
        return "prev_hash does not match the previous entry (entry reordered, deleted or inserted)"
    values = {column: getattr(entry, column) for column in CHAINED_COLUMNS}
    if entry_hash(values) != entry.entry_hash:
        return "entry_hash does not match the entry's content (entry altered)"
    return None


async def verify(session: AsyncSession) -> VerifyReport:
    expected_seq, expected_prev, count = 1, GENESIS_HASH, 0
    async for entry in repository.iterate_entries(session):
        problem = _check(entry, expected_seq=expected_seq, expected_prev=expected_prev)
        if problem is not None:
            return VerifyReport(
                ok=False, entries=count, first_broken_seq=entry.seq, problem=problem
            )
        count += 1
        expected_seq, expected_prev = entry.seq + 1, entry.entry_hash
    return VerifyReport(ok=True, entries=count)
