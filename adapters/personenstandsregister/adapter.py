"""The Personenstandsregister adapter over the Standesamt's mirrored register tables."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any, ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.base import RegisterSpec
from adapters.personenstandsregister import repository
from adapters.personenstandsregister.lookup import parse_entry_lookup
from adapters.personenstandsregister.mapping import hit_facts
from adapters.personenstandsregister.spec import PERSONENSTANDSREGISTER_SPEC
from adapters.personenstandsregister.store import ENTRY_KIND
from adapters.personenstandsregister.synthetic import entries_jsonl
from adapters.sql.changes import RecordKind
from adapters.sql.mirror_adapter import SqlMirrorAdapter

RESIDENTS_PER_DEMO_ENTRY = 20


class PersonenstandsregisterAdapter(SqlMirrorAdapter):
    spec: ClassVar[RegisterSpec] = PERSONENSTANDSREGISTER_SPEC
    record_kind: ClassVar[RecordKind] = ENTRY_KIND

    async def find(
        self, connection: AsyncSession, keys: Mapping[str, str], *, limit: int
    ) -> Sequence[Any]:
        lookup = parse_entry_lookup(keys)
        return await repository.find_entries(connection, lookup, limit=limit)

    def hit_facts(self, row: Any) -> dict[str, Any]:
        return hit_facts(row)

    def demo_lines(self, *, size: int, seed: int, today: date) -> Iterator[str]:
        """``size`` is the population; one demo entry per twenty residents."""
        return entries_jsonl(
            entries=max(1, size // RESIDENTS_PER_DEMO_ENTRY), seed=seed, today=today
        )
