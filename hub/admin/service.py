"""Administrative use cases behind the CLI: catalogue, clients, imports, ledger checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from adapters.base import AdapterContext, SupportsImport
from adapters.registry import available_adapter_classes, load_adapters
from governance.loader import load_default_catalogue
from hub.audit.service import VerifyReport, verify
from hub.clients.service import NewClient
from hub.clients.service import create_client as insert_client
from hub.config import Settings
from hub.db import create_hub_engine, create_sessionmaker, create_sync_engine


class ImportNotSupported(Exception):
    """The register is not mirrored by the hub, so it cannot be imported into."""


def load_catalogue(settings: Settings) -> dict[str, Any]:
    specs = [cls.spec for cls in available_adapter_classes().values()]
    engine = create_sync_engine(settings.database_url)
    try:
        with engine.begin() as connection:
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
        with engine.begin() as connection:
            return insert_client(
                connection,
                authority=authority,
                name=name,
                scopes=scopes,
                trusted_roles=trusted_roles,
            )
    finally:
        engine.dispose()


def import_register(settings: Settings, *, register: str, lines: Iterable[str]) -> int:
    adapters = (
        load_adapters(
            [register],
            settings=settings.adapters,
            context=AdapterContext(
                hub_database_url=settings.database_url, municipality_name=settings.municipality_name
            ),
        )
        if register in available_adapter_classes()
        else {}
    )
    adapter = adapters.get(register)
    if adapter is None:
        raise ImportNotSupported(f"no register {register!r} is installed")
    if not isinstance(adapter, SupportsImport):
        raise ImportNotSupported(f"register {register!r} is not mirrored by the hub")
    return adapter.import_lines(lines)


async def verify_ledger(settings: Settings) -> VerifyReport:
    engine = create_hub_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await verify(session)
    finally:
        await engine.dispose()
