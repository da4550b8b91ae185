"""Deletion rules of BMG §14 Abs. 2 that the Melderegister mirror can carry out itself.

What the mirror's data model expresses:

- ``bmg14_religion_elstam``: the Religionszugehörigkeit (BMG §3 Abs. 1 Nr. 11) and the
  ELStAM data (§3 Abs. 2 Nr. 2) are deleted after the end of the calendar year following
  the Wegzug or the death (``moved_away.date`` / ``death.date``).
- ``bmg14_id_docs``: ID-document data (§3 Abs. 1 Nr. 17) five years after the document's
  validity ended (``id_docs[].valid_until``).

- ``bmg14_other_data``: §14 Abs. 2 S. 4, "die weiteren Daten weggezogener oder verstorbener
  Einwohner, die nicht nach § 13 Absatz 1 aufbewahrt werden", 30 days after the Wegzug or
  the death. §13 Abs. 1 keeps §3 Abs. 1 Nr. 1-10, 12-16, 17a, 18, 19, allows §3 Abs. 2 Nr. 1
  and 2, and on a Wegzug also keeps Nr. 17 and the Feststellung of §3 Abs. 2 Nr. 4, 7, 8.
  Of the mirror's fields that leaves (Interpretation [I], see policies/COVERAGE.md):
  after a death ``vbm``, ``passport_denial``, ``weapons``, ``explosives``,
  ``residence_queries`` and ``landlord``; after a Wegzug ``vbm`` and ``landlord``. Religion,
  ELStAM and ID documents have their own sentences (S. 2, S. 3: the rules above); the
  Wahlrecht data (§3 Abs. 2 Nr. 1) may be kept. After a Wegzug the mirror keeps the Nr. 4, 7,
  8 entries whole and the Aufenthaltsanfragen under their own two-year limit (§3 Abs. 2
  Nr. 9): reducing them is the register office's work in its own register. The mirror cannot
  see when the Rückmeldung was evaluated and counts from the Wegzug: it may delete its copy
  earlier than the register, never later.

Not expressed here: the 50-year archive with processing restriction of §13 Abs. 2 (not a
deletion: the policy restricts use instead).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
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
OTHER_DATA: Final = "bmg14_other_data"
OTHER_DATA_DAYS: Final = 30
# §14 Abs. 2 S. 4 with §13 Abs. 1: what is deleted 30 days after the event (see above).
CLEARED_AFTER_DEATH: Final[tuple[str, ...]] = (
    "vbm",
    "passport_denial",
    "weapons",
    "explosives",
    "residence_queries",
    "landlord",
)
CLEARED_AFTER_WEGZUG: Final[tuple[str, ...]] = ("vbm", "landlord")

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
        OTHER_DATA: RetentionRule(
            id=OTHER_DATA,
            title=(
                "Weitere Daten, die nicht nach §13 Abs. 1 aufbewahrt werden, 30 Tage nach "
                "Wegzug oder Tod löschen"
            ),
            legal_reference="BMG §14 Abs. 2 S. 4",
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


def _event_on_or_before(record: dict[str, Any], key: str, cutoff: date) -> bool:
    event = record.get(key) or {}
    day = event.get("date") if isinstance(event, dict) else None
    return isinstance(day, str) and date.fromisoformat(day) <= cutoff


def _clear_other_data(cutoff: date) -> Rewrite:
    def rewrite(record: dict[str, Any]) -> tuple[dict[str, Any], int]:
        if _event_on_or_before(record, "death", cutoff):
            keys = CLEARED_AFTER_DEATH
        elif _event_on_or_before(record, "moved_away", cutoff):
            keys = CLEARED_AFTER_WEGZUG
        else:
            return record, 0
        cleared = [key for key in keys if record.get(key) not in (None, [])]
        empty: dict[str, list[Any] | None] = {
            key: [] if key == "residence_queries" else None for key in cleared
        }
        return {**record, **empty}, len(cleared)

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
    if rule == OTHER_DATA:
        # Event on day D: deleted from D + 30 days on, i.e. D <= today - 30 days.
        cutoff = today - timedelta(days=OTHER_DATA_DAYS)
        events = or_(MrPerson.moved_away_date <= cutoff, MrPerson.death_date <= cutoff)
        return _Plan(cutoff, events, _clear_other_data(cutoff), "fields_cleared")
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
