"""The Personenstandsregister adapter over the Standesamt's mirrored register tables."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from adapters.base import (
    AdapterContext,
    FetchedRecord,
    FetchRequest,
    Hit,
    RegisterSpec,
    SearchRequest,
)
from adapters.errors import InvalidLookup, RecordNotFound, RegisterUnavailable
from adapters.personenstandsregister import repository
from adapters.personenstandsregister.lookup import parse_entry_lookup
from adapters.personenstandsregister.mapping import field_values, hit_facts
from adapters.personenstandsregister.spec import PERSONENSTANDSREGISTER_SPEC
from adapters.personenstandsregister.store import parse_lines, store_records
from adapters.personenstandsregister.synthetic import entries_jsonl
from adapters.personenstandsregister.tables import PsEntry
from adapters.sql.engine import create_async_database_engine, create_sync_database_engine


class PersonenstandsregisterSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The mirror's database; by default the hub's own.
    database_url: str | None = None
    pool_size: int = 5


RESIDENTS_PER_DEMO_ENTRY = 20


class PersonenstandsregisterAdapter:
    spec: ClassVar[RegisterSpec] = PERSONENSTANDSREGISTER_SPEC
    Settings: ClassVar[type[BaseModel]] = PersonenstandsregisterSettings

    def __init__(self, *, database_url: str, pool_size: int) -> None:
        self._database_url = database_url
        self._engine: AsyncEngine = create_async_database_engine(
            database_url,
            application_name="hub-adapter-personenstandsregister",
            pool_size=pool_size,
        )

    @classmethod
    def create(cls, settings: BaseModel, *, context: AdapterContext) -> Self:
        assert isinstance(settings, PersonenstandsregisterSettings)  # noqa: S101 - registry validated it
        return cls(
            database_url=settings.database_url or context.hub_database_url,
            pool_size=settings.pool_size,
        )

    async def search(self, request: SearchRequest) -> Sequence[Hit]:
        if request.kind != "person":
            raise InvalidLookup(f"kind {request.kind!r} is not supported", member="kind")
        lookup = parse_entry_lookup(request.keys)
        try:
            async with AsyncSession(self._engine) as connection:
                found = await repository.find_entries(connection, lookup, limit=request.max_hits)
        except (OperationalError, DBAPIError) as error:
            raise RegisterUnavailable("Personenstandsregister mirror unreachable") from error
        return [Hit(subject_id=entry.entry_id, facts=hit_facts(entry)) for entry in found]

    async def fetch(self, request: FetchRequest) -> Sequence[FetchedRecord]:
        wanted = [subject.subject_id for subject in request.subjects]
        try:
            async with AsyncSession(self._engine) as connection:
                entries = await repository.load_entries(connection, wanted)
        except (OperationalError, DBAPIError) as error:
            raise RegisterUnavailable("Personenstandsregister mirror unreachable") from error
        records = []
        for subject_id in wanted:
            entry = entries.get(subject_id)
            if entry is None:
                raise RecordNotFound(f"entry {subject_id} vanished")
            values = field_values(entry, fields=request.fields)
            records.append(FetchedRecord(subject_id=entry.entry_id, fields=values))
        return records

    async def check(self) -> None:
        try:
            async with self._engine.connect() as connection:
                await connection.execute(select(PsEntry.entry_id).limit(1))
        except (OperationalError, DBAPIError) as error:
            raise RegisterUnavailable("Personenstandsregister mirror unreachable") from error

    async def close(self) -> None:
        await self._engine.dispose()

    def import_lines(self, lines: Iterable[str]) -> int:
        records = parse_lines(lines)
        engine: Engine = create_sync_database_engine(
            self._database_url, application_name="hub-import-personenstandsregister"
        )
        try:
            return store_records(engine, records)
        finally:
            engine.dispose()

    def demo_lines(self, *, size: int, seed: int, today: date) -> Iterator[str]:
        """``size`` is the population; one demo entry per twenty residents."""
        return entries_jsonl(
            entries=max(1, size // RESIDENTS_PER_DEMO_ENTRY), seed=seed, today=today
        )
