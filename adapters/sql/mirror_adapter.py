"""The adapter of a register mirrored into SQL tables: the one base every such register shares.

A register subclass declares its spec and its ``RecordKind`` (import model, tables, rows)
and says how to search (``find``) and which facts the policy needs (``hit_facts``).
Everything else is the same for every mirror and lives here: follow-ups by hit ID, answers
from what the search read, field values from the stored import document, the health check,
the all-or-nothing import and the change feed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, ClassVar, Self

from pydantic import BaseModel
from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.base import (
    AdapterContext,
    FetchedRecord,
    FetchRequest,
    Hit,
    RegisterSpec,
    SearchRequest,
)
from adapters.errors import InvalidLookup, RecordNotFound
from adapters.sql.base import RegisterBase
from adapters.sql.changes import RecordKind
from adapters.sql.feed import MirrorFeed
from adapters.sql.mirror import MirrorSettings, SqlMirror
from adapters.sql.storing import parse_records, store_records


class SqlMirrorAdapter:
    """Search, fetch, import and change feed over one mirrored register's tables.

    The record table (``record_kind.tables[0]``) keeps the whole import record in its
    ``record`` column, keyed by field ID, and the record id in the column named
    ``record_kind.key_name``.
    """

    spec: ClassVar[RegisterSpec]
    Settings: ClassVar[type[BaseModel]] = MirrorSettings
    record_kind: ClassVar[RecordKind]
    # Where the mirror's tables are declared (migrations/env.py collects it).
    mirror_metadata: ClassVar[MetaData] = RegisterBase.metadata
    kinds: ClassVar[frozenset[str]] = frozenset({"person"})

    def __init__(self, mirror: SqlMirror) -> None:
        self._mirror = mirror

    @classmethod
    def create(cls, settings: BaseModel, *, context: AdapterContext) -> Self:
        return cls(SqlMirror.from_settings(cls.spec.id, settings, context=context))

    # ------------------------------------------------------------- what a register says

    async def find(
        self, connection: AsyncSession, keys: Mapping[str, str], *, limit: int
    ) -> Sequence[Any]:
        """Rows of the record table matching the keys; ``InvalidLookup``/``TooManyMatches``."""
        raise NotImplementedError

    def hit_facts(self, row: Any) -> dict[str, Any]:
        """What the policy needs to decide about this record; never field values."""
        raise NotImplementedError

    # ------------------------------------------------------------------ the shared part

    @property
    def _table(self) -> Any:
        return self.record_kind.tables[0]

    def _subject_id(self, row: Any) -> str:
        return str(getattr(row, self.record_kind.key_name))

    async def _load(self, connection: AsyncSession, ids: Collection[str]) -> dict[str, Any]:
        if not ids:
            return {}
        key = self.record_kind.key_columns[0]
        rows = await connection.execute(select(self._table).where(key.in_(ids)))
        return {self._subject_id(row): row for row in rows.scalars()}

    async def search(self, request: SearchRequest) -> Sequence[Hit]:
        if request.kind not in self.kinds:
            raise InvalidLookup(f"kind {request.kind!r} is not supported", member="kind")
        async with self._mirror.read_session() as connection:
            if request.subject_ids:  # follow-up by hit ID: no search, current facts
                loaded = await self._load(connection, request.subject_ids)
                found = [loaded[i] for i in request.subject_ids if i in loaded]
            else:
                found = list(await self.find(connection, request.keys, limit=request.max_hits))
        return [
            Hit(subject_id=self._subject_id(row), facts=self.hit_facts(row), loaded=row)
            for row in found
        ]

    async def fetch(self, request: FetchRequest) -> Sequence[FetchedRecord]:
        wanted = [subject.subject_id for subject in request.subjects]
        # What search read (Hit.loaded) answers without a second read of the register.
        rows = {
            subject.subject_id: subject.loaded
            for subject in request.subjects
            if isinstance(subject.loaded, self._table)
        }
        if len(rows) < len(wanted):
            async with self._mirror.read_session() as connection:
                rows = await self._load(connection, wanted)
        known = frozenset(self.spec.dataset().field_names())
        records = []
        for subject_id in wanted:
            row = rows.get(subject_id)
            if row is None:
                raise RecordNotFound(f"{self.record_kind.key_name} {subject_id} vanished")
            values = {name: row.record.get(name) for name in sorted(request.fields & known)}
            records.append(FetchedRecord(subject_id=self._subject_id(row), fields=values))
        return records

    async def check(self) -> None:
        await self._mirror.check(select(self.record_kind.key_columns[0]))

    async def close(self) -> None:
        await self._mirror.close()

    def import_lines(self, lines: Iterable[str]) -> int:
        kind = self.record_kind
        return self._mirror.run_import(
            parse_records(lines, kind), lambda engine, records: store_records(engine, records, kind)
        )

    def change_feed(self) -> MirrorFeed:
        """Changes, reloads and the feed state of this mirror."""
        return MirrorFeed(self._mirror, self.record_kind)
