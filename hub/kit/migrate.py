"""Run Alembic programmatically (CLI, tests): ``upgrade heads``, never ``create_all``.

The hub's migrations are one line of revisions; a register installed as a package may bring
its own tables as a branch of its own (``adapters.registry.mirror_migrations``), hence
``heads``: with no such register there is exactly one head.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config

from adapters.registry import mirror_migrations

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
HUB_VERSIONS = ALEMBIC_INI.parent / "migrations" / "versions"


def alembic_config(database_url: str) -> Config:
    config = Config(str(ALEMBIC_INI))
    config.attributes["database_url"] = database_url
    folders = os.pathsep.join(str(path) for path in [HUB_VERSIONS, *mirror_migrations()])
    # The option goes through configparser: a "%" in a path must not read as interpolation.
    config.set_main_option("version_locations", folders.replace("%", "%%"))
    return config


def upgrade_head(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "heads")
