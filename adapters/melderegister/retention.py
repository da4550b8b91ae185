"""Deletion rules of BMG §14 Abs. 2 that the Melderegister mirror can carry out itself.

What the mirror's data model expresses:

- ``bmg14_religion_elstam``: the Religionszugehörigkeit (BMG §3 Abs. 1 Nr. 11) and the
  ELStAM data (§3 Abs. 2 Nr. 2) are deleted after the end of the calendar year following
  the Wegzug or the death (``moved_away.date`` / ``death.date``).
- ``bmg14_id_docs``: ID-document data (§3 Abs. 1 Nr. 17) five years after the document's
  validity ended (``id_docs[].valid_until``).

Not expressed here: "other data 30 days after Wegzug/Tod" (the sources do not name which
data; needs legal sign-off), and the 50-year archive with processing restriction of §13
Abs. 2 (not a deletion: the policy restricts use instead).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any, Final

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.base import RetentionResult, RetentionRule
from adapters.melderegister.tables import MrPerson
from adapters.sql.engine import SQLITE_BEGIN_OPTION

BATCH: Final = 500
RELIGION_ELSTAM: Final = "bmg14_religion_elstam"
ID_DOCS: Final = "bmg14_id_docs"
ID_DOC_YEARS: Final = 5

RULES: Final[Mapping[str, RetentionRule]] = MappingProxyType(
    {
        RELIGION_ELSTAM: RetentionRule(
            id=RELIGION_ELSTAM,
            title=(
                "Religionszugehörigkeit und ELStAM-Daten nach Ablauf des auf Wegzug oder Tod "
                "folgenden Kalenderjahres löschen"
            ),
            legal_reference="BMG §14 Abs. 2",
        ),
        ID_DOCS: RetentionRule(
            id=ID_DOCS,
            title="Ausweis- und Passdaten fünf Jahre nach Ablauf der Gültigkeit löschen",
            legal_reference="BMG §14 Abs. 2",
        ),
    }
)

Rewrite = Callable[[dict[str, Any]], tuple[dict[str, Any], int]]


@dataclass(frozen=True, slots=True)
class _Plan:
    """Which persons a rule looks at, how it rewrites a record, what it counts."""

    cutoff: date
    candidates: ColumnElement[bool] | None
    rewrite: Rewrite
    unit: str


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 Feb becomes 28 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _clear_religion_elstam(record: dict[str, Any]) -> tuple[dict[str, Any], int]:
    cleared = [key for key in ("religion", "elstam") if record.get(key) is not None]
    return {**record, **dict.fromkeys(cleared)}, len(cleared)


def _drop_expired_documents(cutoff: date) -> Rewrite:
    def rewrite(record: dict[str, Any]) -> tuple[dict[str, Any], int]:
        documents = record.get("id_docs") or []
        kept = [doc for doc in documents if date.fromisoformat(doc["valid_until"]) >= cutoff]
        return {**record, "id_docs": kept}, len(documents) - len(kept)

    return rewrite


def plan(rule: str, *, today: date) -> _Plan:
    """The rule as of ``today``; ``KeyError`` for a rule the register does not know."""
    if rule == RELIGION_ELSTAM:
        # Event in year Y: deleted once the year Y+1 has ended, i.e. Y < today.year - 1.
        cutoff = date(today.year - 1, 1, 1)
        events = or_(MrPerson.moved_away_date < cutoff, MrPerson.death_date < cutoff)
        return _Plan(cutoff, events, _clear_religion_elstam, "fields_cleared")
    if rule == ID_DOCS:
        # Valid until D: deleted once D + 5 years has passed, i.e. D < today - 5 years.
        cutoff = years_before(today, ID_DOC_YEARS)
        return _Plan(cutoff, None, _drop_expired_documents(cutoff), "id_documents")
    raise KeyError(rule)


async def _batch(
    session: AsyncSession, step: _Plan, after: str
) -> list[tuple[str, dict[str, Any]]]:
    statement = select(MrPerson.person_id, MrPerson.record).where(MrPerson.person_id > after)
    if step.candidates is not None:
        statement = statement.where(step.candidates)
    rows = await session.execute(statement.order_by(MrPerson.person_id).limit(BATCH))
    return [(row.person_id, dict(row.record)) for row in rows]


async def apply_rule(session: AsyncSession, rule: str, *, today: date) -> RetentionResult:
    """Apply ``rule`` in one transaction; idempotent (a second run finds nothing due)."""
    step = plan(rule, today=today)
    examined = changed = removed = 0
    after = ""
    async with session.begin():
        # SQLite: take the write lock first; a read transaction that later writes fails at once
        # ("database is locked") when another connection wrote meanwhile.
        await session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        while batch := await _batch(session, step, after):
            for person_id, record in batch:
                rewritten, count = step.rewrite(record)
                examined += 1
                if count:
                    await session.execute(
                        update(MrPerson)
                        .where(MrPerson.person_id == person_id)
                        .values(record=rewritten)
                    )
                    changed += 1
                    removed += count
            after = batch[-1][0]
    return RetentionResult(
        rule=rule,
        cutoff=step.cutoff,
        examined=examined,
        changed=changed,
        removed=removed,
        unit=step.unit,
    )
