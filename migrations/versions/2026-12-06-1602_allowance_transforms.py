"""Value-level minimisation: allowances name transformations, the ledger records them.

``purpose_allowances.transforms`` maps a field to a transformation of the fixed vocabulary
(governance/transforms.py); ``ledger_entries.fields_transformed`` names, per released field,
the transformation applied (names only, never values). Both nullable: rows written before
read as "no transformation", and the chain hash covers the ledger column only when it is
non-empty, so entries written before still verify (hub/audit/ledger/chain.py).

Revision ID: b2lawmini008
Revises: b1lawpurp007
Create Date: 2026-12-06 16:02:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'b2lawmini008'
down_revision: str | None = 'b1lawpurp007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.add_column('purpose_allowances', sa.Column('transforms', JSON, nullable=True))
    op.add_column('ledger_entries', sa.Column('fields_transformed', JSON, nullable=True))


def downgrade() -> None:
    # No batch copy of ledger_entries: on SQLite it would drop the append-only triggers.
    op.drop_column('ledger_entries', 'fields_transformed')
    with op.batch_alter_table('purpose_allowances') as batch:
        batch.drop_column('transforms')
