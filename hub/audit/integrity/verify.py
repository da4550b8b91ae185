"""Verifying the access ledger's chain from genesis.

Recomputes every entry's hash by the version it names (``hub.audit.ledger.chain``), checks
every tombstone's and checkpoint's signature (``checkpoints``) and names the first broken
position. Run by ``hub audit verify``, GET /v1/audit/verify, the chain page's background job
and, before anything is signed or deleted, by the checkpoint and the purge (``service``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.integrity import checkpoints
from hub.audit.integrity import repository as integrity_repository
from hub.audit.ledger import repository
from hub.audit.ledger.chain import GENESIS_HASH, stored_hash
from hub.audit.ledger.retention import is_due
from hub.models import LedgerCheckpoint, LedgerTombstone

T = TypeVar("T")
# How often verify reports progress (positions checked): one batch of iterate_chain_values.
PROGRESS_EVERY = 10_000
YIELD_EVERY = 500


@dataclass(frozen=True, slots=True)
class VerifyReport:
    ok: bool
    entries: int
    first_broken_seq: int | None = None
    problem: str | None = None
    tombstones: int = 0
    checkpoints: int = 0

    def as_json(self) -> dict[str, object]:
        body: dict[str, object] = {"ok": self.ok, "entries": self.entries}
        # Only after a checkpoint or purge, so a fresh ledger's answer stays as it was.
        if self.tombstones:
            body["tombstones"] = self.tombstones
        if self.checkpoints:
            body["checkpoints"] = self.checkpoints
        if not self.ok:
            body["first_broken"] = {"seq": self.first_broken_seq, "problem": self.problem}
        return body


def _check(entry: Mapping[str, Any], *, expected_seq: int, expected_prev: str) -> str | None:
    """``entry``: every column of one stored entry (repository.iterate_chain_values)."""
    if entry["seq"] != expected_seq:
        return (
            f"sequence gap: expected {expected_seq}, found {entry['seq']}"
            " (entry deleted or inserted)"
        )
    if entry["prev_hash"] != expected_prev:
        return "prev_hash does not match the previous entry (entry reordered, deleted or inserted)"
    if stored_hash(entry) != entry["entry_hash"]:
        return "entry_hash does not match the entry's content (entry altered)"
    return None


def _check_tombstone(
    tomb: LedgerTombstone,
    *,
    expected_seq: int,
    expected_prev: str,
    public_key: Ed25519PublicKey | None,
) -> str | None:
    if tomb.seq == expected_seq - 1:
        return "entry and tombstone share a seq (purged entry restored or tombstone forged)"
    if tomb.seq != expected_seq:
        return (
            f"sequence gap: expected {expected_seq}, found {tomb.seq} (entry deleted or inserted)"
        )
    if tomb.prev_hash != expected_prev:
        return "prev_hash does not match the previous entry (entry reordered, deleted or inserted)"
    if public_key is None or not checkpoints.tombstone_signature_ok(
        public_key, checkpoints.tombstone_values(tomb)
    ):
        return "tombstone signature invalid (entry deleted outside the purge)"
    if not is_due(tomb.retention_class, tomb.occurred_at, tomb.purged_at):
        return "tombstone for an entry that was not due for deletion"
    return None


def _check_position(
    row: Mapping[str, Any] | LedgerTombstone,
    *,
    expected_seq: int,
    expected_prev: str,
    public_key: Ed25519PublicKey | None,
    pinned: list[LedgerCheckpoint],
) -> str | None:
    if isinstance(row, LedgerTombstone):
        problem = _check_tombstone(
            row, expected_seq=expected_seq, expected_prev=expected_prev, public_key=public_key
        )
        head = row.entry_hash
    else:
        problem = _check(row, expected_seq=expected_seq, expected_prev=expected_prev)
        head = row["entry_hash"]
    if problem is not None:
        return problem
    for checkpoint in pinned:
        if checkpoint.chain_hash != head:
            return (
                f"chain differs from signed checkpoint {checkpoint.id} "
                "(entries up to this seq rewritten)"
            )
    return None


def _forged_checkpoint(
    signed: list[LedgerCheckpoint], public_key: Ed25519PublicKey | None
) -> LedgerCheckpoint | None:
    for checkpoint in signed:
        values = checkpoints.checkpoint_values(checkpoint)
        if public_key is None or not checkpoints.checkpoint_signature_ok(public_key, values):
            return checkpoint
    return None


async def _reporting(rows: AsyncIterator[T], progress: Callable[[int], None]) -> AsyncIterator[T]:
    """The rows unchanged; ``progress`` hears how many went by, every ``PROGRESS_EVERY``.

    The walk then runs beside requests (the chain page's background job): it lets them in
    every ``YIELD_EVERY`` rows, so none waits for a whole batch's hashing.
    """
    passed = 0
    async for row in rows:
        yield row
        passed += 1
        if passed % YIELD_EVERY == 0:
            await asyncio.sleep(0)
        if passed % PROGRESS_EVERY == 0:
            progress(passed)


async def verify(
    session: AsyncSession,
    public_key: Ed25519PublicKey | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Walk entries and tombstones from genesis; compare every signed checkpoint on the way.

    ``public_key`` checks checkpoint and tombstone signatures; without it any signed row fails.
    ``progress`` hears the number of positions checked, every ``PROGRESS_EVERY``.
    """
    signed = await integrity_repository.list_checkpoints(session)
    forged = _forged_checkpoint(signed, public_key)
    if forged is not None:
        return VerifyReport(
            ok=False,
            entries=0,
            first_broken_seq=forged.head_seq,
            problem=f"checkpoint {forged.id} signature invalid",
        )
    by_head: dict[int, list[LedgerCheckpoint]] = {}
    for checkpoint in signed:
        by_head.setdefault(checkpoint.head_seq, []).append(checkpoint)
    expected_seq, expected_prev, count, tombs = 1, GENESIS_HASH, 0, 0

    def broken(seq: int, problem: str) -> VerifyReport:
        return VerifyReport(
            ok=False,
            entries=count,
            first_broken_seq=seq,
            problem=problem,
            tombstones=tombs,
            checkpoints=len(signed),
        )

    for checkpoint in by_head.get(0, []):
        if checkpoint.chain_hash != GENESIS_HASH:
            return broken(0, f"chain differs from signed checkpoint {checkpoint.id}")
    rows = repository.iterate_chain_values(session)
    async for row in rows if progress is None else _reporting(rows, progress):
        seq, head = (
            (row.seq, row.entry_hash)
            if isinstance(row, LedgerTombstone)
            else (row["seq"], row["entry_hash"])
        )
        problem = _check_position(
            row,
            expected_seq=expected_seq,
            expected_prev=expected_prev,
            public_key=public_key,
            pinned=by_head.get(seq, []),
        )
        if problem is not None:
            return broken(seq, problem)
        if isinstance(row, LedgerTombstone):
            tombs += 1
        else:
            count += 1
        expected_seq, expected_prev = seq + 1, head
    beyond = [c for c in signed if c.head_seq >= expected_seq]
    if beyond:
        return broken(
            expected_seq,
            f"entries up to seq {max(c.head_seq for c in beyond)} are covered by a signed "
            "checkpoint but missing (newest entries deleted)",
        )
    return VerifyReport(ok=True, entries=count, tombstones=tombs, checkpoints=len(signed))
