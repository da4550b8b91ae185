"""Neutral markers: what a no-match answer writes where a protected person's answer writes.

A neutral answer about a blocked person commits a register-office task (if held) and the
entry's person reference with its ledger entry; the same answer about nobody commits marker
rows in their place in the same transaction, so the two cost the same writes (BMG §34a
Abs. 5, hub.query.neutral). The app role gets its rights
from the default privileges of the app-role migration.

Revision ID: d2neutral01
Revises: c1speedqry11
Create Date: 2026-12-06 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'd2neutral01'
down_revision: str | None = 'd3mirrorfeed1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('neutral_markers',
    sa.Column('marker_id', sa.String(length=36), nullable=False),
    sa.Column('register', sa.String(length=64), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=False),
    sa.Column('ledger_entry_id', sa.String(length=36), nullable=False),
    sa.Column('stands_for', sa.String(length=16), nullable=False),
    sa.Column('query_kind', sa.String(length=32), nullable=False),
    sa.Column('fields_requested', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('marker_id', name=op.f('pk_neutral_markers'))
    )
    op.create_index('ix_neutral_markers_created', 'neutral_markers', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_neutral_markers_created', table_name='neutral_markers')
    op.drop_table('neutral_markers')
