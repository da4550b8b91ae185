"""The Gewerberegister adapter over the city's mirrored register tables."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any, ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.base import RegisterSpec
from adapters.gewerberegister import repository
from adapters.gewerberegister.lookup import parse_business_lookup
from adapters.gewerberegister.mapping import hit_facts
from adapters.gewerberegister.spec import GEWERBEREGISTER_SPEC
from adapters.gewerberegister.store import BUSINESS_KIND
from adapters.gewerberegister.synthetic import businesses_jsonl
from adapters.gewerberegister.xgewerbeanzeige import read_message, store_message
from adapters.sql.changes import RecordKind
from adapters.sql.mirror_adapter import SqlMirrorAdapter

RESIDENTS_PER_BUSINESS = 12


class GewerberegisterAdapter(SqlMirrorAdapter):
    spec: ClassVar[RegisterSpec] = GEWERBEREGISTER_SPEC
    record_kind: ClassVar[RecordKind] = BUSINESS_KIND

    async def find(
        self, connection: AsyncSession, keys: Mapping[str, str], *, limit: int
    ) -> Sequence[Any]:
        lookup = parse_business_lookup(keys)
        return await repository.find_businesses(connection, lookup, limit=limit)

    def hit_facts(self, row: Any) -> dict[str, Any]:
        return hit_facts(row)

    def import_xml(self, data: bytes) -> int:
        """An XGewerbeanzeige message: checked in full before the database is touched."""
        return self._mirror.run_import(read_message(data), store_message)

    def demo_lines(self, *, size: int, seed: int, today: date) -> Iterator[str]:
        """``size`` is the population; Darmstadt has roughly one trade per twelve residents."""
        return businesses_jsonl(
            businesses=max(1, size // RESIDENTS_PER_BUSINESS), seed=seed, today=today
        )
