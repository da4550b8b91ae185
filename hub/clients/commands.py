"""``hub clients list|disable|enable|rotate-secret``: one transaction each, on the CLI's engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection

from hub.clients import lifecycle
from hub.clients.lifecycle import ClientSummary
from hub.clients.service import RotatedSecret, rotate_client_secret_sync
from hub.config import Settings
from hub.db import begin_writing, create_sync_engine

T = TypeVar("T")


def _in_transaction(settings: Settings, work: Callable[[Connection], T]) -> T:
    engine = create_sync_engine(settings.database_url)
    try:
        with begin_writing(engine) as connection:
            return work(connection)
    finally:
        engine.dispose()


def list_clients(settings: Settings, *, authority: str | None) -> list[ClientSummary]:
    return _in_transaction(
        settings, lambda connection: lifecycle.list_clients(connection, authority=authority)
    )


def set_active(settings: Settings, client_id: str, *, active: bool) -> ClientSummary:
    return _in_transaction(
        settings, lambda connection: lifecycle.set_active(connection, client_id, active=active)
    )


def rotate_secret(settings: Settings, client_id: str, *, revoke_tokens: bool) -> RotatedSecret:
    return _in_transaction(
        settings,
        lambda connection: rotate_client_secret_sync(
            connection, client_id, revoke_tokens=revoke_tokens
        ),
    )
