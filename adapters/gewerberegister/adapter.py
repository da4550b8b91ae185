"""The Gewerberegister adapter over the city's mirrored register tables."""

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
from adapters.gewerberegister import repository
from adapters.gewerberegister.lookup import parse_business_lookup
from adapters.gewerberegister.mapping import field_values, hit_facts
from adapters.gewerberegister.spec import GEWERBEREGISTER_SPEC
from adapters.gewerberegister.store import parse_lines, store_records
from adapters.gewerberegister.synthetic import businesses_jsonl
from adapters.gewerberegister.tables import GwBusiness
from adapters.sql.engine import create_async_database_engine, create_sync_database_engine


class GewerberegisterSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The mirror's database; by default the hub's own.
    database_url: str | None = None
    pool_size: int = 5


RESIDENTS_PER_BUSINESS = 12


class GewerberegisterAdapter:
    spec: ClassVar[RegisterSpec] = GEWERBEREGISTER_SPEC
    Settings: ClassVar[type[BaseModel]] = GewerberegisterSettings

    def __init__(self, *, database_url: str, pool_size: int) -> None:
        self._database_url = database_url
        self._engine: AsyncEngine = create_async_database_engine(
            database_url, application_name="hub-adapter-gewerberegister", pool_size=pool_size
        )

    @classmethod
    def create(cls, settings: BaseModel, *, context: AdapterContext) -> Self:
        assert isinstance(settings, GewerberegisterSettings)  # noqa: S101 - registry validated it
        return cls(
            database_url=settings.database_url or context.hub_database_url,
            pool_size=settings.pool_size,
        )

    async def search(self, request: SearchRequest) -> Sequence[Hit]:
        if request.kind != "person":
            raise InvalidLookup(f"kind {request.kind!r} is not supported", member="kind")
        lookup = parse_business_lookup(request.keys)
        try:
            async with AsyncSession(self._engine) as connection:
                found = await repository.find_businesses(connection, lookup, limit=request.max_hits)
        except (OperationalError, DBAPIError) as error:
            raise RegisterUnavailable("Gewerberegister mirror unreachable") from error
        return [
            Hit(subject_id=business.business_id, facts=hit_facts(business)) for business in found
        ]

    async def fetch(self, request: FetchRequest) -> Sequence[FetchedRecord]:
        wanted = [subject.subject_id for subject in request.subjects]
        try:
            async with AsyncSession(self._engine) as connection:
                businesses = await repository.load_businesses(connection, wanted)
        except (OperationalError, DBAPIError) as error:
            raise RegisterUnavailable("Gewerberegister mirror unreachable") from error
        records = []
        for subject_id in wanted:
            business = businesses.get(subject_id)
            if business is None:
                raise RecordNotFound(f"business {subject_id} vanished")
            values = field_values(business, fields=request.fields)
            records.append(FetchedRecord(subject_id=business.business_id, fields=values))
        return records

    async def check(self) -> None:
        try:
            async with self._engine.connect() as connection:
                await connection.execute(select(GwBusiness.business_id).limit(1))
        except (OperationalError, DBAPIError) as error:
            raise RegisterUnavailable("Gewerberegister mirror unreachable") from error

    async def close(self) -> None:
        await self._engine.dispose()

    def import_lines(self, lines: Iterable[str]) -> int:
        records = parse_lines(lines)
        engine: Engine = create_sync_database_engine(
            self._database_url, application_name="hub-import-gewerberegister"
        )
        try:
            return store_records(engine, records)
        finally:
            engine.dispose()

    def demo_lines(self, *, size: int, seed: int, today: date) -> Iterator[str]:
        """``size`` is the population; Darmstadt has roughly one trade per twelve residents."""
        return businesses_jsonl(
            businesses=max(1, size // RESIDENTS_PER_BUSINESS), seed=seed, today=today
        )
