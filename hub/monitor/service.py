"""The Digitalmonitor's figures, computed from the ledger, the tasks and the catalogue.

Counts below the open-data threshold are suppressed like any other aggregate: the requests
per authority go through the same disclosure control as the open tables (primary and
secondary suppression, cell-key noise with a key made from the cell), monthly counts below
the threshold are not shown, and shares are given only over at least threshold requests.
Answer times: automatic answers leave the hub within the request (the ledger entry is
committed before the answer), so the times measured are those of the register office's
tasks, from opening to closing.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from governance.duties import DutyStatus
from governance.opendata.disclosure import TOTAL, Cell, protect, record_key
from hub.domain import Outcome
from hub.monitor import repository
from hub.monitor.repository import OutcomeCount

AUTOMATIC = frozenset({Outcome.RELEASED, Outcome.NEUTRAL})
MANUAL = frozenset({Outcome.MANUAL, Outcome.ARCHIVE})
DECIDED = AUTOMATIC | MANUAL | {Outcome.DENIED}
THRESHOLD = 5
MONTHS = 12


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole >= THRESHOLD else None


def _shown(count: int) -> int | None:
    return count if count == 0 or count >= THRESHOLD else None


@dataclass(frozen=True, slots=True)
class Month:
    month: str
    requests: int
    automatic: int
    manual: int

    def as_json(self) -> dict[str, Any]:
        return {
            "monat": self.month,
            "anfragen": _shown(self.requests),
            "automatisch_beantwortet_prozent": _share(self.automatic, self.requests),
            "an_die_meldebehoerde": _shown(self.manual),
        }


def months(counts: Sequence[OutcomeCount]) -> list[Month]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in counts:
        if row.outcome not in DECIDED:
            continue
        total = totals[row.month]
        total[0] += row.count
        total[1] += row.count if row.outcome in AUTOMATIC else 0
        total[2] += row.count if row.outcome in MANUAL else 0
    return [Month(m, *totals[m]) for m in sorted(totals)]


def registers(counts: Sequence[OutcomeCount]) -> list[dict[str, Any]]:
    decided: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in counts:
        if row.outcome in DECIDED:
            decided[row.register][0] += row.count
            decided[row.register][1] += row.count if row.outcome in AUTOMATIC else 0
    return [
        {
            "register": register,
            "anfragen": _shown(total),
            "automatisch_beantwortet_prozent": _share(automatic, total),
        }
        for register, (total, automatic) in sorted(decided.items())
    ]


def by_authority(counts: dict[str, int], *, secret: bytes) -> list[dict[str, Any]]:
    """Requests per authority, protected like an open table (one dimension)."""
    if not counts:
        return []
    categories = tuple(sorted(counts))
    cells: dict[tuple[str, ...], Cell] = {
        (authority,): Cell(count=n, key_sum=record_key(secret, f"monitor:{authority}:{n}"))
        for authority, n in counts.items()
    }
    release = protect(
        cells,
        tables=[("behoerde",)],
        dimensions=("behoerde",),
        categories={"behoerde": categories},
        threshold=THRESHOLD,
    )
    return [
        {"behoerde": authority, "anfragen": release.cells[(authority,)].value}
        for authority in (*categories, TOTAL)
    ]


def _percentile(values: list[float], share: float) -> float | None:
    if len(values) < THRESHOLD:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


async def _tasks(session: AsyncSession, *, now: datetime, since: datetime) -> dict[str, Any]:
    hours = [
        (_utc(closed) - _utc(created)).total_seconds() / 3600
        for created, closed in await repository.task_times(session, since=since)
    ]
    backlog, oldest = await repository.open_tasks(session)
    return {
        "bearbeitungszeit_stunden_median": round(statistics.median(hours), 1)
        if len(hours) >= THRESHOLD
        else None,
        "bearbeitungszeit_stunden_p95": _percentile(hours, 0.95),
        "offene_aufgaben": backlog,
        "aelteste_offene_aufgabe_tage": None
        if oldest is None
        else round((now - _utc(oldest)).total_seconds() / 86400, 1),
    }


async def _catalogue(session: AsyncSession) -> dict[str, Any]:
    reviewed, fields = await repository.field_review(session)
    based, purposes = await repository.purposes_legal_basis(session)
    duties = await repository.duty_statuses(session)
    open_duties = sum(n for status, n in duties.items() if status != DutyStatus.DONE)
    overdue = duties.get(DutyStatus.OVERDUE, 0)
    return {
        "felder_geprueft_prozent": round(100 * reviewed / fields, 1) if fields else None,
        "zwecke_mit_rechtsgrundlage_prozent": round(100 * based / purposes, 1)
        if purposes
        else None,
        "pflichten_fristgerecht_prozent": round(100 * (open_duties - overdue) / open_duties, 1)
        if open_duties
        else None,
    }


async def monitor(session: AsyncSession, *, secret: bytes, now: datetime) -> dict[str, Any]:
    """Every figure of ``/open/monitor.json`` (and the page), as of ``now``."""
    since = (now.replace(day=1) - timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    counts = await repository.outcomes(session, since=since)
    checkpoint = await repository.last_checkpoint(session)
    return {
        "stand": now.replace(microsecond=0).isoformat(),
        "schwelle": THRESHOLD,
        "register": registers(counts),
        "monate": [month.as_json() for month in months(counts)],
        "anfragen_nach_behoerde": by_authority(
            await repository.requests_by_authority(session, since=since), secret=secret
        ),
        "meldebehoerde": await _tasks(session, now=now, since=since),
        "datenkatalog": await _catalogue(session),
        "protokoll": {
            "letzter_signierter_pruefpunkt": None
            if checkpoint is None
            else _utc(checkpoint[0]).replace(microsecond=0).isoformat(),
            "eintraege_im_pruefpunkt": None if checkpoint is None else checkpoint[1],
        },
        "angeschlossene_verfahren": await repository.connected_procedures(session),
    }
