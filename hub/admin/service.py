"""Administrative use cases behind the CLI: catalogue, clients, imports, ledger checks."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Protocol, runtime_checkable

from adapters.base import AdapterContext, RegisterAdapter, SupportsDemoData, SupportsImport
from adapters.registry import available_adapter_classes, load_adapters
from governance.loader import load_default_catalogue
from hub.audit.integrity import export
from hub.audit.integrity import service as integrity
from hub.audit.integrity.checkpoints import load_or_create_key, load_public_key
from hub.audit.integrity.verify import VerifyReport, verify
from hub.clients.service import NewClient
from hub.clients.service import create_client as insert_client
from hub.config import Settings
from hub.db import (
    begin_writing,
    create_hub_engine,
    create_sessionmaker,
    create_sync_engine,
    create_writing_sessionmaker,
)
from hub.kit.progress import Progress, quiet
from hub.query.hits import purge_expired


class ImportNotSupported(Exception):
    """The register is not mirrored by the hub, so it cannot be imported into."""


def load_catalogue(settings: Settings) -> dict[str, Any]:
    specs = [cls.spec for cls in available_adapter_classes().values()]
    engine = create_sync_engine(settings.database_url)
    try:
        with begin_writing(engine) as connection:
            report = load_default_catalogue(connection, specs=specs)
    finally:
        engine.dispose()
    return asdict(report)


def create_client(
    settings: Settings,
    *,
    authority: str,
    name: str | None,
    scopes: list[str] | None,
    trusted_roles: list[str] | None,
) -> NewClient:
    engine = create_sync_engine(settings.database_url)
    try:
        with begin_writing(engine) as connection:
            return insert_client(
                connection,
                authority=authority,
                name=name,
                scopes=scopes,
                trusted_roles=trusted_roles,
            )
    finally:
        engine.dispose()


@contextmanager
def _opened_adapters(
    settings: Settings, registers: list[str]
) -> Iterator[Mapping[str, RegisterAdapter]]:
    adapters = load_adapters(
        registers,
        settings=settings.adapters,
        context=AdapterContext(
            hub_database_url=settings.database_url, municipality_name=settings.municipality_name
        ),
    )
    try:
        yield adapters
    finally:
        for adapter in adapters.values():
            asyncio.run(adapter.close())


def import_register(
    settings: Settings, *, register: str, lines: Iterable[str], progress: Progress | None = None
) -> int:
    if register not in available_adapter_classes():
        raise ImportNotSupported(f"no register {register!r} is installed")
    with _opened_adapters(settings, [register]) as adapters:
        adapter = adapters[register]
        if not isinstance(adapter, SupportsImport):
            raise ImportNotSupported(f"register {register!r} is not mirrored by the hub")
        if progress is None:
            return adapter.import_lines(lines)
        progress.phase(f"import {register}", unit="lines read")
        imported = adapter.import_lines(progress.wrap(lines))
        progress.done(f"{imported:,} imported")
        return imported


@runtime_checkable
class SupportsXmlImport(Protocol):
    """Mirrored registers that also read an XÖV message (the Gewerberegister: XGewerbeanzeige)."""

    def import_xml(self, data: bytes) -> int: ...


def import_register_xml(settings: Settings, *, register: str, data: bytes) -> int:
    """An XÖV message for ``register``: every Meldung stored, or none (``ImportRejected``)."""
    if register not in available_adapter_classes():
        raise ImportNotSupported(f"no register {register!r} is installed")
    with _opened_adapters(settings, [register]) as adapters:
        adapter = adapters[register]
        if not isinstance(adapter, SupportsXmlImport):
            raise ImportNotSupported(f"register {register!r} does not import XML messages")
        return adapter.import_xml(data)


def import_demo_data(
    settings: Settings, *, size: int, seed: int, progress: Progress | None = None
) -> dict[str, int]:
    """Synthetic records for every enabled mirrored register that can make them."""
    today = date.today()  # noqa: DTZ011 - register dates are local
    shown = progress or quiet()
    imported: dict[str, int] = {}
    with _opened_adapters(settings, settings.adapters_enabled) as adapters:
        for register, adapter in adapters.items():
            if not (isinstance(adapter, SupportsDemoData) and isinstance(adapter, SupportsImport)):
                continue
            shown.phase(f"demo {register}", unit="records made")
            lines = adapter.demo_lines(size=size, seed=seed, today=today)
            imported[register] = adapter.import_lines(shown.wrap(lines))
            shown.done(f"{imported[register]:,} stored")
    return imported


async def verify_ledger(settings: Settings, *, progress: Progress | None = None) -> VerifyReport:
    engine = create_hub_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            if progress is not None:
                progress.phase("verify", unit="entries checked")
            report = await verify(
                session,
                load_public_key(settings.key_dir),
                progress=None if progress is None else progress.update,
            )
            if progress is not None:
                progress.update(report.entries + report.tombstones)
                progress.done("chain intact" if report.ok else "chain BROKEN")
            return report
    finally:
        await engine.dispose()


async def write_ledger_checkpoint(settings: Settings) -> dict[str, object]:
    """Sign the ledger head (cron-safe: each run verifies first and takes the head lock)."""
    key = load_or_create_key(settings.key_dir)
    engine = create_hub_engine(settings.database_url)
    try:
        async with create_writing_sessionmaker(engine)() as session:
            checkpoint = await integrity.write_checkpoint(session, key)
            await session.commit()
            return {
                "checkpoint_id": checkpoint.id,
                "head_seq": checkpoint.head_seq,
                "chain_hash": checkpoint.chain_hash,
                "key_id": checkpoint.key_id,
            }
    finally:
        await engine.dispose()


async def purge_ledger(
    settings: Settings, now: datetime | None, *, progress: Progress | None = None
) -> integrity.PurgeReport:
    """Delete the ledger entries past their retention period (tombstones keep the chain)."""
    key = load_or_create_key(settings.key_dir)
    engine = create_hub_engine(settings.database_url)
    shown = progress or quiet()
    try:
        # As a writer from the start: the chain it verifies is the chain it deletes from.
        async with create_writing_sessionmaker(engine)() as session:
            shown.phase("purge: verifying the chain, then deleting what is due")
            report = await integrity.purge(session, key, now=now)
            shown.phase("purge: committing", unit="entries purged")
            await session.commit()
            shown.update(report.purged)
            shown.done()
            return report
    finally:
        await engine.dispose()


async def export_ledger_slice(
    settings: Settings, *, to_checkpoint: int, from_checkpoint: int | None
) -> list[str]:
    public_key = load_public_key(settings.key_dir)
    if public_key is None:
        raise LookupError("no checkpoint key yet: run `hub audit checkpoint` first")
    engine = create_hub_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await export.export_slice(
                session, public_key, to_checkpoint=to_checkpoint, from_checkpoint=from_checkpoint
            )
    finally:
        await engine.dispose()


async def purge_hit_refs(settings: Settings) -> int:
    """Delete hit IDs past their 48 h (BMeldDAV §9); returns how many were deleted."""
    engine = create_hub_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            deleted = await purge_expired(session)
            await session.commit()
            return deleted
    finally:
        await engine.dispose()
