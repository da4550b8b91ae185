"""The Melderegister adapter over the city's mirrored register tables."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Self

from pydantic import BaseModel
from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.base import (
    AdapterContext,
    FetchedRecord,
    FetchRequest,
    Hit,
    RegisterSpec,
    RetentionResult,
    RetentionRule,
    SearchRequest,
)
from adapters.errors import InvalidLookup, RecordNotFound
from adapters.melderegister import repository
from adapters.melderegister.lookup import parse_free_lookup, parse_person_lookup
from adapters.melderegister.mapping import RELATED_FIELDS, field_values, hit_facts
from adapters.melderegister.retention import RULES, apply_rule
from adapters.melderegister.rows import PersonRow
from adapters.melderegister.spec import MELDEREGISTER_SPEC
from adapters.melderegister.store import PERSON_KIND, parse_lines, store_records
from adapters.melderegister.synthetic import population_jsonl
from adapters.melderegister.tables import MrPerson
from adapters.sql.base import RegisterBase
from adapters.sql.feed import MirrorFeed
from adapters.sql.mirror import MirrorSettings, SqlMirror


@dataclass(frozen=True, slots=True)
class _Loaded:
    """What one search read (the matches and everybody they refer to), see ``Hit.loaded``."""

    persons: Mapping[str, PersonRow]


def _loaded_persons(request: FetchRequest) -> Mapping[str, PersonRow] | None:
    """The search's snapshot of every requested subject, or None if one is missing."""
    persons: dict[str, PersonRow] = {}
    for subject in request.subjects:
        loaded = subject.loaded
        if not isinstance(loaded, _Loaded) or subject.subject_id not in loaded.persons:
            return None
        persons.update(loaded.persons)
    return persons


def _related_read_always(found: Sequence[PersonRow], fields: frozenset[str]) -> bool:
    """Read related persons even if nobody is referred to, so the time tells nothing.

    Nobody found or only persons with an Auskunftssperre: a blocked person's neutral answer
    must cost what nobody costs, with or without a spouse (BMG §34a Abs. 5). A related-person
    field asked for: a blocked spouse left out (``null``) must cost what no spouse costs.
    Otherwise (a released person, no such field) the time shows at most that related persons
    exist, never a Sperre, and the lawful answer is spared the statement.
    """
    return (
        not found
        or all(person.sperre_basis is not None for person in found)
        or not fields.isdisjoint(RELATED_FIELDS)
    )


class MelderegisterAdapter:
    spec: ClassVar[RegisterSpec] = MELDEREGISTER_SPEC
    Settings: ClassVar[type[BaseModel]] = MirrorSettings
    # Where the mirror's tables are declared (migrations/env.py collects it).
    mirror_metadata: ClassVar[MetaData] = RegisterBase.metadata
    # HUB_ADAPTERS__MELDEREGISTER__SOURCE picks the variant (adapters.registry.source_variant)
    source_name: ClassVar[str] = "mirror"
    sources: ClassVar[Mapping[str, str]] = {
        "xmeld": "adapters.xmeld.client:XMeldMelderegisterAdapter",
    }
    # BMG §14 Abs. 2 deletions the mirror carries out (adapters.base.RetentionCapable).
    retention_rules: ClassVar[Mapping[str, RetentionRule]] = RULES

    def __init__(self, mirror: SqlMirror, *, today_override: str | None) -> None:
        self._mirror = mirror
        self._today_override = date.fromisoformat(today_override) if today_override else None

    @classmethod
    def create(cls, settings: BaseModel, *, context: AdapterContext) -> Self:
        mirror = SqlMirror.from_settings(cls.spec.id, settings, context=context)
        return cls(mirror, today_override=context.today_override)

    def _today(self) -> date:
        return self._today_override or date.today()  # noqa: DTZ011 - register dates are local

    async def _find(self, connection: AsyncSession, request: SearchRequest) -> list[PersonRow]:
        if request.kind == "free":
            free = parse_free_lookup(request.keys)
            return await repository.find_free(connection, free, limit=request.max_hits)
        if request.kind not in {"person", "confirm"}:
            raise InvalidLookup(f"kind {request.kind!r} is not supported", member="kind")
        # Datenbestätigung: §38 Abs. 1 keys (BMG §39a Abs. 1 S. 2), data compared exactly.
        lookup = parse_person_lookup(request.keys)
        return await repository.find_persons(
            connection, lookup, limit=request.max_hits, exact=request.kind == "confirm"
        )

    async def search(self, request: SearchRequest) -> Sequence[Hit]:
        today = self._today()
        async with self._mirror.read_session() as connection:
            if request.subject_ids:  # follow-up by hit ID: no search, current facts
                persons = await repository.load_with_related(connection, request.subject_ids)
                found = [persons[i] for i in request.subject_ids if i in persons]
            else:
                found = await self._find(connection, request)
                # The matches are loaded already: only the persons they refer to are read.
                persons = {person.person_id: person for person in found}
                await repository.add_related(
                    connection, persons, always=_related_read_always(found, request.fields)
                )
        loaded = _Loaded(persons)
        return [
            Hit(
                subject_id=person.person_id,
                facts=hit_facts(person, persons, today=today),
                loaded=loaded,
            )
            for person in found
        ]

    async def fetch(self, request: FetchRequest) -> Sequence[FetchedRecord]:
        today = self._today()
        persons = _loaded_persons(request)
        if persons is None:  # not from this process's search: read the register
            wanted = [subject.subject_id for subject in request.subjects]
            async with self._mirror.read_session() as connection:
                persons = await repository.load_with_related(connection, wanted)
        records = []
        for subject in request.subjects:
            person = persons.get(subject.subject_id)
            if person is None:
                raise RecordNotFound(f"person {subject.subject_id} vanished")
            values = field_values(
                person,
                persons,
                fields=request.fields,
                strip=subject.strip_related,
                today=today,
                kind=request.kind,
            )
            records.append(FetchedRecord(subject_id=person.person_id, fields=values))
        return records

    async def check(self) -> None:
        await self._mirror.check(select(MrPerson.person_id))

    async def close(self) -> None:
        await self._mirror.close()

    async def apply_retention(self, rule: str, *, today: date) -> RetentionResult:
        if rule not in self.retention_rules:
            raise KeyError(rule)
        async with self._mirror.session() as session:
            return await apply_rule(session, rule, today=today)

    def import_lines(self, lines: Iterable[str]) -> int:
        return self._mirror.run_import(parse_lines(lines), store_records)

    def change_feed(self) -> MirrorFeed:
        """Changes, reloads and the feed state of this mirror."""
        return MirrorFeed(self._mirror, PERSON_KIND)

    def demo_lines(self, *, size: int, seed: int, today: date) -> Iterator[str]:
        return population_jsonl(persons=size, seed=seed, today=today)
