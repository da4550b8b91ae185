"""The Melderegister adapter over the city's mirrored register tables."""

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
from adapters.melderegister import repository
from adapters.melderegister.lookup import parse_person_lookup
from adapters.melderegister.mapping import field_values, hit_facts
from adapters.melderegister.spec import MELDEREGISTER_SPEC
from adapters.melderegister.store import parse_lines, store_records
from adapters.melderegister.synthetic import population_jsonl
from adapters.melderegister.tables import MrPerson
from adapters.sql.engine import create_async_database_engine, create_sync_database_engine


class MelderegisterSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The mirror's database; by default the hub's own.
    database_url: str | None = None
    pool_size: int = 5


class MelderegisterAdapter:
    spec: ClassVar[RegisterSpec] = MELDEREGISTER_SPEC
    Settings: ClassVar[type[BaseModel]] = MelderegisterSettings

    def __init__(self, *, database_url: str, pool_size: int, today_override: str | None) -> None:
        self._database_url = database_url
        self._engine: AsyncEngine = create_async_database_engine(
            database_url, application_name="hub-adapter-melderegister", pool_size=pool_size
        )
        self._today_override = date.fromisoformat(today_override) if today_override else None

    @classmethod
    def create(cls, settings: BaseModel, *, context: AdapterContext) -> Self:
        assert isinstance(settings, MelderegisterSettings)  # noqa: S101 - registry validated it
        return cls(
            database_url=settings.database_url or context.hub_database_url,
            pool_size=settings.pool_size,
            today_override=context.today_override,
        )

    def _today(self) -> date:
        return self._today_override or date.today()  # noqa: DTZ011 - register dates are local

    async def search(self, request: SearchRequest) -> Sequence[Hit]:
        if request.kind != "person":
            raise InvalidLookup(f"kind {request.kind!r} is not supported yet", member="kind")
        lookup = parse_person_lookup(request.keys)
        today = self._today()
        try:
            async with AsyncSession(self._engine) as connection:
                found = await repository.find_persons(connection, lookup, limit=request.max_hits)
                persons = await repository.load_with_related(
                    connection, [person.person_id for person in found]
                )
        except (OperationalError, DBAPIError) as error:
            raise RegisterUnavailable("Melderegister mirror unreachable") from error
        return [
            Hit(subject_id=person.person_id, facts=hit_facts(person, persons, today=today))
            for person in found
        ]

    async def fetch(self, request: FetchRequest) -> Sequence[FetchedRecord]:
        today = self._today()
        wanted = [subject.subject_id for subject in request.subjects]
        try:
            async with AsyncSession(self._engine) as connection:
                persons = await repository.load_with_related(connection, wanted)
        except (OperationalError, DBAPIError) as error:
            raise RegisterUnavailable("Melderegister mirror unreachable") from error
        records = []
        for subject in request.subjects:
            person = persons.get(subject.subject_id)
            if person is None:
                raise RecordNotFound(f"person {subject.subject_id} vanished")
            values = field_values(
                person, persons, fields=request.fields, strip=subject.strip_related, today=today
            )
            records.append(FetchedRecord(subject_id=person.person_id, fields=values))
        return records

    async def check(self) -> None:
        try:
            async with self._engine.connect() as connection:
                await connection.execute(select(MrPerson.person_id).limit(1))
        except (OperationalError, DBAPIError) as error:
            raise RegisterUnavailable("Melderegister mirror unreachable") from error

    async def close(self) -> None:
        await self._engine.dispose()

    def import_lines(self, lines: Iterable[str]) -> int:
        records = parse_lines(lines)
        engine: Engine = create_sync_database_engine(
            self._database_url, application_name="hub-import-melderegister"
        )
        try:
            return store_records(engine, records)
        finally:
            engine.dispose()

    def demo_lines(self, *, size: int, seed: int, today: date) -> Iterator[str]:
        return population_jsonl(persons=size, seed=seed, today=today)
