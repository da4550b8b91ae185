"""Opaque hit IDs: which client may follow up on which subject, for 48 h (BMeldDAV §9).

Revision ID: e1f2a3b4hr01
Revises: d1e2f3a4tm01
Create Date: 2026-11-30 20:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e1f2a3b4hr01'
down_revision: str | None = 'd1e2f3a4tm01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('hit_refs',
    sa.Column('hit_id', sa.String(length=36), nullable=False),
    sa.Column('register', sa.String(length=64), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=False),
    sa.Column('ledger_entry_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('hit_id', name=op.f('pk_hit_refs'))
    )
    op.create_index('ix_hit_refs_expires_at', 'hit_refs', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_hit_refs_expires_at', table_name='hit_refs')
    op.drop_table('hit_refs')
