"""``hub demo load``: catalogue, one client per city office, synthetic register data.

Secrets are generated here and written only to the local ``var/`` folder.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from governance.defaults import AUTHORITIES
from hub.admin.service import create_client, import_demo_data, load_catalogue
from hub.catalogue.commands import run_sync
from hub.clients.repository import client_count
from hub.config import Settings
from hub.db import create_sync_engine
from hub.kit.progress import Progress, quiet

CREDENTIALS_FILE = "demo-clients.json"
# The register office also reads tasks and the ledger; the others query only.
# Workbench accounts (/ui): username, role, display name; passwords generated per load.
DEMO_UI_ACCOUNTS = (
    ("dpo", "dpo", "Demo data protection officer"),
    ("steward", "steward", "Demo data steward"),
    ("office", "register_office", "Demo register office"),
    ("standesamt", "register_office", "Demo Standesamt"),
)
# Which register office each register office account works for (its own tasks only).
DEMO_UI_OFFICES = {"office": "meldebehoerde", "standesamt": "standesamt"}
_OFFICE_SCOPES = {"meldebehoerde": ["register:query", "tasks:read", "audit:read", "catalogue:read"]}


def credentials_file(settings: Settings) -> Path:
    return settings.key_dir.parent / CREDENTIALS_FILE


def _database_is_empty(settings: Settings) -> bool:
    """No client registered yet: a fresh installation."""
    engine = create_sync_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            return client_count(connection) == 0
    finally:
        engine.dispose()


def _write_credentials(
    settings: Settings, clients: list[dict[str, str]], ui_accounts: list[dict[str, str]]
) -> Path:
    path = credentials_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(
            {"clients": clients, "ui_accounts": ui_accounts}, handle, indent=2, ensure_ascii=False
        )
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


def _earlier_ui_accounts(settings: Settings) -> dict[str, dict[str, str]]:
    path = credentials_file(settings)
    if not path.exists():
        return {}
    earlier = json.loads(path.read_text(encoding="utf-8")).get("ui_accounts", [])
    return {str(item["username"]): item for item in earlier if isinstance(item, dict)}


def _demo_ui_accounts(settings: Settings) -> list[dict[str, str]]:
    """Dpo / steward / office with random passwords; a second load keeps the first ones."""
    from hub.ui.admin import create_ui_account  # noqa: PLC0415 - keeps the CLI start light
    from hub.ui.service import AccountError  # noqa: PLC0415

    earlier = _earlier_ui_accounts(settings)
    accounts = []
    for username, role, title in DEMO_UI_ACCOUNTS:
        try:
            created = create_ui_account(
                settings,
                username=username,
                roles=[role],
                display_name=title,
                office=DEMO_UI_OFFICES.get(username),
            )
        except AccountError:
            if username in earlier:
                accounts.append(earlier[username])
            continue
        accounts.append(
            {"username": created.username, "role": role, "password": created.password or ""}
        )
    return accounts


def load_demo(
    settings: Settings,
    *,
    persons: int,
    seed: int,
    if_empty: bool,
    progress: Progress | None = None,
) -> dict[str, Any]:
    if if_empty and not _database_is_empty(settings):
        return {"skipped": "the database already holds clients and data"}
    shown = progress or quiet()
    started = time.perf_counter()
    shown.phase("demo catalogue")
    catalogue = load_catalogue(settings)
    # Code declares, the catalogue approves: fields the defaults do not know stay unreviewed.
    synced = run_sync(settings)
    shown.phase("demo clients")
    clients = _demo_clients(settings)
    imported = import_demo_data(settings, size=persons, seed=seed, progress=shown)
    shown.phase("demo workbench accounts")
    ui_accounts = _demo_ui_accounts(settings)
    shown.done()
    path = _write_credentials(settings, clients, ui_accounts)
    return {
        "catalogue_revision": synced["revision"] or catalogue["revision"],
        "catalogue_sync": synced,
        "clients": len(clients),
        "ui_accounts": len(ui_accounts),
        "credentials": str(path),
        "imported": imported,
        "seconds": round(time.perf_counter() - started, 1),
    }
