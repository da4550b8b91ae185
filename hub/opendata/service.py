"""``hub opendata publish``: approved aggregates as CSV and JSON, each publication ledgered.

Cron-safe and idempotent per reference: a (definition, revision, reference) published once
is not published again (the unique row decides, also between two runs at the same time).
Order per table: the disclosure audit must find nothing, the files are written under a
temporary name and renamed, then the ledger entry and the publication row commit together.
``GET /open/...`` serves a file only when its publication row exists and the file's digest
matches it, so nothing is served whose ledger entry is not durably committed.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from governance.duties import local_today
from governance.opendata.disclosure import Release, aggregate, disclosed
from governance.opendata.models import AggregateDefinition
from governance.opendata.statistics import (
    PERIODIC,
    Business,
    Person,
    Statistic,
    movements,
    resident_cell,
    trade_events,
)
from governance.opendata.tables import (
    Table,
    TableSpec,
    count_units,
    protect_release,
    tables_of,
)
from hub.audit.ledger import service as ledger
from hub.audit.ledger.service import LedgerRecord
from hub.config import Settings
from hub.db import create_hub_engine, create_sessionmaker
from hub.domain import LedgerKind, Outcome
from hub.opendata import repository
from hub.opendata.keys import load_or_create_cell_key_secret

log = structlog.get_logger(__name__)
PUBLISHER = "opendata-publisher"


@dataclass(frozen=True, slots=True)
class References:
    stichtag: date  # last day of the month before the run
    monat: tuple[int, int]  # that month

    @classmethod
    def before(cls, today: date) -> References:
        last = today.replace(day=1) - timedelta(days=1)
        return cls(stichtag=last, monat=(last.year, last.month))

    def label(self, kind: str) -> str:
        if kind == "monat":
            return f"{self.monat[0]:04d}-{self.monat[1]:02d}"
        return self.stichtag.isoformat()


@dataclass(kw_only=True)
class PublishReport:
    references: References
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return any(result["outcome"] == "refused" for result in self.results)

    def as_json(self) -> dict[str, Any]:
        return {
            "stichtag": self.references.label("stichtag"),
            "monat": self.references.label("monat"),
            "results": self.results,
        }


def table_spec(row: AggregateDefinition) -> TableSpec:
    return TableSpec(
        code=row.code,
        revision=row.revision,
        title=row.title,
        statistic=Statistic(row.statistic),
        dimensions=tuple(row.dimensions),
        threshold=row.threshold,
        licence=row.licence,
    )


@dataclass(frozen=True, slots=True)
class Sources:
    """The register rows the statistics count (read once per run)."""

    persons: Sequence[Person] = ()
    businesses: Sequence[Business] = ()


def units_of(
    statistic: Statistic, sources: Sources, references: References
) -> Iterator[tuple[str, dict[str, str]]]:
    if statistic is Statistic.RESIDENTS:
        for person in sources.persons:
            cell = resident_cell(person, references.stichtag)
            if cell is not None:
                yield person.person_id, cell
    elif statistic is Statistic.MOVEMENTS:
        for person in sources.persons:
            yield from movements(person, references.monat)
    else:
        for business in sources.businesses:
            yield from trade_events(business, references.monat)


def build_tables(
    specs: Sequence[TableSpec],
    sources: Sources,
    *,
    references: References,
    secret: bytes,
) -> tuple[list[Table], list[Release], list[str]]:
    """Tables of every statistic; codes whose release the disclosure audit refused."""
    groups: dict[Statistic, list[TableSpec]] = defaultdict(list)
    for spec in specs:
        groups[spec.statistic].append(spec)
    tables: list[Table] = []
    releases: list[Release] = []
    refused: list[str] = []
    for statistic, group in groups.items():
        cells = count_units(
            units_of(statistic, sources, references), secret=secret, statistic=statistic
        )
        release = protect_release(cells, group, statistic)
        true_counts = {
            key: cell.count
            for spec in group
            for key, cell in aggregate(
                cells, table=spec.dimensions, dimensions=release.dimensions
            ).items()
        }
        if disclosed(release, true_counts):  # fail closed: never publish what the audit breaks
            refused += [spec.code for spec in group]
            continue
        kind = "monat" if statistic in PERIODIC else "stichtag"
        tables += tables_of(release, group, reference=references.label(kind), reference_column=kind)
        releases.append(release)
    return tables, releases, refused


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_bytes(content)
    temporary.replace(path)


def file_path(directory: Path, code: str, reference: str, digest: str, extension: str) -> Path:
    """Files are named by their digest: a second run never overwrites a served file."""
    return directory / code / f"{reference}.{digest[:16]}.{extension}"


class Publisher:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        registers: Mapping[str, async_sessionmaker[AsyncSession]],
        directory: Path,
        secret: bytes,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._registers = registers
        self._directory = directory
        self._secret = secret

    async def run(self, *, today: date) -> PublishReport:
        references = References.before(today)
        report = PublishReport(references=references)
        async with self._sessionmaker() as session:
            rows = await repository.definitions(session, approved_only=True)
            catalogue_revision = await repository.catalogue_revision(session)
            specs = [table_spec(row) for row in rows]
            registers = {row.code: row.source_register for row in rows}
            bases = {row.code: list(row.legal_basis) for row in rows}
            await session.rollback()
        if not specs:
            return report
        sources = await self._sources(set(registers.values()))
        tables, _, refused = build_tables(
            specs, sources, references=references, secret=self._secret
        )
        report.results += [{"aggregate": code, "outcome": "refused"} for code in refused]
        for table in tables:
            outcome = await self._publish(
                table,
                register=registers[table.spec.code],
                legal_basis=bases[table.spec.code],
                catalogue_revision=catalogue_revision,
            )
            report.results.append(
                {
                    "aggregate": table.spec.code,
                    "revision": table.spec.revision,
                    "reference": table.reference,
                    "outcome": outcome,
                    "rows": len(table.rows),
                    "suppressed": table.suppressed,
                }
            )
        return report

    async def _sources(self, needed: set[str]) -> Sources:
        persons: list[Person] = []
        businesses: list[Business] = []
        if "melderegister" in needed:
            async with self._registers["melderegister"]() as session:
                persons = await repository.persons(session)
                await session.rollback()
        if "gewerberegister" in needed:
            async with self._registers["gewerberegister"]() as session:
                businesses = await repository.businesses(session)
                await session.rollback()
        return Sources(persons=persons, businesses=businesses)

    async def _publish(
        self,
        table: Table,
        *,
        register: str,
        legal_basis: list[str],
        catalogue_revision: int | None,
    ) -> str:
        spec = table.spec
        async with self._sessionmaker() as session:
            existing = await repository.publication(
                session, code=spec.code, revision=spec.revision, reference=table.reference
            )
            await session.rollback()
        if existing is not None:
            return "unchanged"
        csv_bytes, json_bytes = table.csv_bytes(), table.json_bytes()
        csv_sha = hashlib.sha256(csv_bytes).hexdigest()
        json_sha = hashlib.sha256(json_bytes).hexdigest()
        for digest, extension, content in (
            (csv_sha, "csv", csv_bytes),
            (json_sha, "json", json_bytes),
        ):
            path = file_path(self._directory, spec.code, table.reference, digest, extension)
            _write_atomically(path, content)
        record = LedgerRecord(
            request_id=f"opendata:{table.reference}:{spec.code}"[:64],
            register=register,
            outcome=Outcome.PUBLISHED,
            http_status=200,
            client_id=PUBLISHER,
            purpose=spec.code,
            kind=LedgerKind.OPENDATA,
            fields_released=list(spec.dimensions),
            legal_basis=legal_basis,
            catalogue_revision=catalogue_revision,
            reasons=[
                f"revision:{spec.revision}",
                f"reference:{table.reference}",
                f"rows:{len(table.rows)}",
                f"suppressed:{table.suppressed}",
            ],
        )
        try:
            async with self._sessionmaker() as session:
                entry = await ledger.append(session, record)
                await repository.add_publication(
                    session,
                    aggregate_code=spec.code,
                    revision=spec.revision,
                    reference=table.reference,
                    published_at=entry.occurred_at,
                    row_count=len(table.rows),
                    suppressed=table.suppressed,
                    csv_sha256=csv_sha,
                    csv_bytes=len(csv_bytes),
                    json_sha256=json_sha,
                    json_bytes=len(json_bytes),
                    ledger_entry_id=entry.entry_id,
                )
                await session.commit()
        except IntegrityError:  # another run published the same reference first
            return "unchanged"
        log.info("opendata.published", aggregate=spec.code, reference=table.reference)
        return "published"


STATISTIC_REGISTERS = ("melderegister", "gewerberegister")


def _register_url(settings: Settings, register: str) -> str:
    """The register's SQL mirror: its adapter's own database, else the hub's (adapters.sql)."""
    configured = settings.adapters.get(register, {}).get("database_url")
    return str(configured) if configured else settings.database_url


async def publish(settings: Settings, *, today: date | None = None) -> PublishReport:
    """``hub opendata publish``: every approved aggregate for the month before ``today``."""
    engines = {settings.database_url: create_hub_engine(settings.database_url)}
    for register in STATISTIC_REGISTERS:
        url = _register_url(settings, register)
        if url not in engines:
            engines[url] = create_hub_engine(url)
    makers = {url: create_sessionmaker(engine) for url, engine in engines.items()}
    try:
        publisher = Publisher(
            makers[settings.database_url],
            registers={r: makers[_register_url(settings, r)] for r in STATISTIC_REGISTERS},
            directory=settings.opendata.directory,
            secret=load_or_create_cell_key_secret(settings.key_dir),
        )
        return await publisher.run(today=today or local_today(datetime.now(UTC)))
    finally:
        for engine in engines.values():
            await engine.dispose()
