"""Personenstandsregister mirror: entries and their persons for PStG §68 Abs. 2 matching.

Revision ID: c1d2e3f4ps01
Revises: b1e2c3d4gw01
Create Date: 2026-11-22 07:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'c1d2e3f4ps01'
down_revision: str | None = 'b1e2c3d4gw01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ps_entries',
    sa.Column('entry_id', sa.String(length=64), nullable=False),
    sa.Column('entry_kind', sa.String(length=32), nullable=False),
    sa.Column('entry_year', sa.Integer(), nullable=False),
    sa.Column('entry_number', sa.String(length=20), nullable=False),
    sa.Column('registry_office', sa.String(length=64), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('sperrvermerk', sa.Boolean(), nullable=False),
    sa.Column('stillgelegt', sa.Boolean(), nullable=False),
    sa.Column('adoption', sa.Boolean(), nullable=False),
    sa.Column('record', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_ps_entries'))
    )
    op.create_index('ix_ps_entries_kind_year_number', 'ps_entries', ['entry_kind', 'entry_year', 'entry_number'], unique=False)
    op.create_table('ps_entry_persons',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('entry_id', sa.String(length=64), nullable=False),
    sa.Column('name_normalised', sa.String(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['ps_entries.entry_id'], name=op.f('fk_ps_entry_persons_entry_id_ps_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ps_entry_persons'))
    )
    op.create_index('ix_ps_entry_persons_entry_id', 'ps_entry_persons', ['entry_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_ps_entry_persons_entry_id', table_name='ps_entry_persons')
    op.drop_table('ps_entry_persons')
    op.drop_index('ix_ps_entries_kind_year_number', table_name='ps_entries')
    op.drop_table('ps_entries')
