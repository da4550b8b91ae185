"""Tasks keep the match keys and values of a manual request for the register office.

Revision ID: d1e2f3a4tm01
Revises: c1d2e3f4ps01
Create Date: 2026-11-30 19:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'd1e2f3a4tm01'
down_revision: str | None = 'c1d2e3f4ps01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'tasks',
        sa.Column(
            'match',
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
            nullable=True,
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table('tasks') as batch:
        batch.drop_column('match')
