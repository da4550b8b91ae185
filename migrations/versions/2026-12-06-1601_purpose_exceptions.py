"""Purposes carry the BMG §13 Abs. 2 S. 4 exceptions the steward approved for them.

A list of codes (``wissenschaft``, ``beweisnot``, ``wahlzwecke``, ``stag_verfahren``,
``einwilligung``); an empty list, the default, keeps every archived record at the S. 3
subset.

Revision ID: b1lawpurp007
Revises: b4lawloos009
Create Date: 2026-12-06 16:01:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'b1lawpurp007'
down_revision: str | None = 'b4lawloos009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'purposes',
        sa.Column(
            'archive_exceptions',
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
            nullable=False,
            server_default='[]',
        ),
    )


def downgrade() -> None:
    op.drop_column('purposes', 'archive_exceptions')
