"""The Gewerberegister adapter over the city's mirrored register tables."""

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
from adapters.gewerberegister import repository
from adapters.gewerberegister.lookup import parse_business_lookup
from adapters.gewerberegister.mapping import field_values, hit_facts
from adapters.gewerberegister.spec import GEWERBEREGISTER_SPEC
from adapters.gewerberegister.store import BUSINESS_KIND, parse_lines, store_records
from adapters.gewerberegister.synthetic import businesses_jsonl
from adapters.gewerberegister.tables import GwBusiness
from adapters.gewerberegister.xgewerbeanzeige import read_message, store_message
from adapters.sql.feed import MirrorFeed
from adapters.sql.mirror import MirrorSettings, SqlMirror

RESIDENTS_PER_BUSINESS = 12


class GewerberegisterAdapter:
    spec: ClassVar[RegisterSpec] = GEWERBEREGISTER_SPEC
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
                loaded = await repository.load_businesses(connection, request.subject_ids)
                found = [loaded[i] for i in request.subject_ids if i in loaded]
            else:
                lookup = parse_business_lookup(request.keys)
                found = await repository.find_businesses(connection, lookup, limit=request.max_hits)
        return [
            Hit(subject_id=business.business_id, facts=hit_facts(business), loaded=business)
            for business in found
        ]

    async def fetch(self, request: FetchRequest) -> Sequence[FetchedRecord]:
        wanted = [subject.subject_id for subject in request.subjects]
        # What search read (Hit.loaded) answers without a second read of the register.
        businesses: dict[str, GwBusiness] = {
            subject.subject_id: subject.loaded
            for subject in request.subjects
            if isinstance(subject.loaded, GwBusiness)
        }
        if len(businesses) < len(wanted):
            async with self._mirror.read_session() as connection:
                businesses = await repository.load_businesses(connection, wanted)
        records = []
        for subject_id in wanted:
            business = businesses.get(subject_id)
            if business is None:
                raise RecordNotFound(f"business {subject_id} vanished")
            values = field_values(business, fields=request.fields)
            records.append(FetchedRecord(subject_id=business.business_id, fields=values))
        return records

    async def check(self) -> None:
        await self._mirror.check(select(GwBusiness.business_id))

    async def close(self) -> None:
        await self._mirror.close()

    def import_lines(self, lines: Iterable[str]) -> int:
        return self._mirror.run_import(parse_lines(lines), store_records)

    def change_feed(self) -> MirrorFeed:
        """Changes, reloads and the feed state of this mirror (CONTRACT §5a)."""
        return MirrorFeed(self._mirror, BUSINESS_KIND)

    def import_xml(self, data: bytes) -> int:
        """An XGewerbeanzeige message: checked in full before the database is touched."""
        return self._mirror.run_import(read_message(data), store_message)

    def demo_lines(self, *, size: int, seed: int, today: date) -> Iterator[str]:
        """``size`` is the population; Darmstadt has roughly one trade per twelve residents."""
        return businesses_jsonl(
            businesses=max(1, size // RESIDENTS_PER_BUSINESS), seed=seed, today=today
        )
