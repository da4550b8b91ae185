"""Ledger entries name the hash function that made their entry_hash.

Existing entries were hashed with version 1 (hub.audit.ledger.chain.entry_hash) and keep it; the writer
now uses version 2 (content digest outside the chain-head lock, then a short link hash).
Adding a column with a default rewrites no row, so the append-only triggers are not involved.

Revision ID: b6speedldg10
Revises: b2lawmini008
Create Date: 2026-12-06 16:06:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b6speedldg10'
down_revision: str | None = 'b2lawmini008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'ledger_entries',
        sa.Column('hash_version', sa.SmallInteger(), server_default=sa.text('1'), nullable=False),
    )


def downgrade() -> None:
    # Entries of version 2 would no longer verify without the column: refuse rather than lie.
    bind = op.get_bind()
    newer = bind.execute(sa.text('SELECT count(*) FROM ledger_entries WHERE hash_version <> 1'))
    if newer.scalar():
        raise RuntimeError('ledger entries of hash version 2 exist; cannot downgrade')
    op.drop_column('ledger_entries', 'hash_version')  # no batch copy: the triggers stay
