"""Workbench accounts for the CLI and the demo loader: one engine per call, like hub.admin."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from hub.config import Settings
from hub.db import create_hub_engine, create_writing_sessionmaker
from hub.ui import service
from hub.ui.service import NewAccount

T = TypeVar("T")


def _run(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def _main() -> T:
        engine = create_hub_engine(settings.database_url)
        try:
            async with create_writing_sessionmaker(engine)() as session:  # read, then write
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(_main())


def create_ui_account(
    settings: Settings,
    *,
    username: str,
    roles: Iterable[str],
    display_name: str | None = None,
    password: str | None = None,
    oidc_issuer: str | None = None,
    oidc_subject: str | None = None,
    office: str | None = None,
) -> NewAccount:
    return _run(
        settings,
        lambda session: service.create_account(
            session,
            username=username,
            roles=list(roles),
            display_name=display_name,
            password=password,
            oidc_issuer=oidc_issuer,
            oidc_subject=oidc_subject,
            office=office,
        ),
    )


def disable_ui_account(settings: Settings, *, username: str) -> None:
    _run(settings, lambda session: service.disable_account(session, username))
