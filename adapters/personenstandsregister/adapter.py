"""The Personenstandsregister adapter over the Standesamt's mirrored register tables."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import ClassVar, Self

from pydantic import BaseModel
from sqlalchemy import select

from adapters.base import (
    AdapterContext,
    FetchedRecord,
    FetchRequest,
    Hit,
    RegisterSpec,
    SearchRequest,
)
from adapters.errors import InvalidLookup, RecordNotFound
from adapters.personenstandsregister import repository
from adapters.personenstandsregister.lookup import parse_entry_lookup
from adapters.personenstandsregister.mapping import field_values, hit_facts
from adapters.personenstandsregister.spec import PERSONENSTANDSREGISTER_SPEC
from adapters.personenstandsregister.store import ENTRY_KIND, parse_lines, store_records
from adapters.personenstandsregister.synthetic import entries_jsonl
from adapters.personenstandsregister.tables import PsEntry
from adapters.sql.feed import MirrorFeed
from adapters.sql.mirror import MirrorSettings, SqlMirror

RESIDENTS_PER_DEMO_ENTRY = 20


class PersonenstandsregisterAdapter:
    spec: ClassVar[RegisterSpec] = PERSONENSTANDSREGISTER_SPEC
    Settings: ClassVar[type[BaseModel]] = MirrorSettings

    def __init__(self, mirror: SqlMirror) -> None:
        self._mirror = mirror

    @classmethod
    def create(cls, settings: BaseModel, *, context: AdapterContext) -> Self:
        mirror = SqlMirror.from_settings(cls.spec.id, settings, context=context)
        return cls(mirror)

    async def search(self, request: SearchRequest) -> Sequence[Hit]:
        if request.kind != "person":
            raise InvalidLookup(f"kind {request.kind!r} is not supported", member="kind")
        async with self._mirror.read_session() as connection:
            if request.subject_ids:  # follow-up by hit ID: no search, current facts
                loaded = await repository.load_entries(connection, request.subject_ids)
                found = [loaded[i] for i in request.subject_ids if i in loaded]
            else:
                lookup = parse_entry_lookup(request.keys)
                found = await repository.find_entries(connection, lookup, limit=request.max_hits)
        return [
            Hit(subject_id=entry.entry_id, facts=hit_facts(entry), loaded=entry) for entry in found
        ]

    async def fetch(self, request: FetchRequest) -> Sequence[FetchedRecord]:
        wanted = [subject.subject_id for subject in request.subjects]
        # What search read (Hit.loaded) answers without a second read of the register.
        entries: dict[str, PsEntry] = {
            subject.subject_id: subject.loaded
            for subject in request.subjects
            if isinstance(subject.loaded, PsEntry)
        }
        if len(entries) < len(wanted):
            async with self._mirror.read_session() as connection:
                entries = await repository.load_entries(connection, wanted)
        records = []
        for subject_id in wanted:
            entry = entries.get(subject_id)
            if entry is None:
                raise RecordNotFound(f"entry {subject_id} vanished")
            values = field_values(entry, fields=request.fields)
            records.append(FetchedRecord(subject_id=entry.entry_id, fields=values))
        return records

    async def check(self) -> None:
        await self._mirror.check(select(PsEntry.entry_id))

    async def close(self) -> None:
        await self._mirror.close()

    def import_lines(self, lines: Iterable[str]) -> int:
        return self._mirror.run_import(parse_lines(lines), store_records)

    def change_feed(self) -> MirrorFeed:
        """Changes, reloads and the feed state of this mirror (CONTRACT §5a)."""
        return MirrorFeed(self._mirror, ENTRY_KIND)

    def demo_lines(self, *, size: int, seed: int, today: date) -> Iterator[str]:
        """``size`` is the population; one demo entry per twenty residents."""
        return entries_jsonl(
            entries=max(1, size // RESIDENTS_PER_DEMO_ENTRY), seed=seed, today=today
        )
