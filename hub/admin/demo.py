"""``hub demo load``: catalogue, one client per city office, synthetic register data.

Secrets are generated here and written only to the local ``var/`` folder.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from governance.defaults import AUTHORITIES
from hub.admin.service import create_client, import_demo_data, load_catalogue
from hub.config import Settings
from hub.db import create_sync_engine
from hub.models import Client

CREDENTIALS_FILE = "demo-clients.json"
# The register office also reads tasks and the ledger; the others query only.
_OFFICE_SCOPES = {"meldebehoerde": ["register:query", "tasks:read", "audit:read", "catalogue:read"]}


def credentials_file(settings: Settings) -> Path:
    return settings.key_dir.parent / CREDENTIALS_FILE


def _database_is_empty(settings: Settings) -> bool:
    """No client registered yet: a fresh installation."""
    engine = create_sync_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            return not connection.execute(select(func.count()).select_from(Client)).scalar_one()
    finally:
        engine.dispose()


def _write_credentials(settings: Settings, clients: list[dict[str, str]]) -> Path:
    path = credentials_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"clients": clients}, handle, indent=2, ensure_ascii=False)
    return path


def _demo_clients(settings: Settings) -> list[dict[str, str]]:
    clients = []
    for authority in AUTHORITIES:
        if authority.category != "city_office":
            continue
        created = create_client(
            settings,
            authority=authority.code,
            name=f"Demo {authority.title}",
            scopes=_OFFICE_SCOPES.get(authority.code),
            trusted_roles=None,
        )
        clients.append(
            {
                "authority": authority.code,
                "client_id": created.client_id,
                "client_secret": created.client_secret,
            }
        )
    return clients


def load_demo(settings: Settings, *, persons: int, seed: int, if_empty: bool) -> dict[str, Any]:
    if if_empty and not _database_is_empty(settings):
        return {"skipped": "the database already holds clients and data"}
    started = time.perf_counter()
    catalogue = load_catalogue(settings)
    clients = _demo_clients(settings)
    imported = import_demo_data(settings, size=persons, seed=seed)
    path = _write_credentials(settings, clients)
    return {
        "catalogue_revision": catalogue["revision"],
        "clients": len(clients),
        "credentials": str(path),
        "imported": imported,
        "seconds": round(time.perf_counter() - started, 1),
    }
