"""Alembic environment: the hub's tables and the mirror tables of every installed adapter.

Adapters are found through the ``hub.adapters`` entry points, so a register installed as a
package brings its tables without a change here.
"""

from __future__ import annotations

from alembic import context

from adapters.registry import mirror_metadata
from hub.config import Settings
from hub.db import create_sync_engine
from hub.models import Base

target_metadata = [Base.metadata, *mirror_metadata()]


def _database_url() -> str:
    # Tests and the CLI hand the URL over explicitly; otherwise HUB_DATABASE_URL applies.
    explicit = context.config.attributes.get("database_url")
    return str(explicit) if explicit else Settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=_database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_sync_engine(_database_url())
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
