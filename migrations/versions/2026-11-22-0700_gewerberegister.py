"""Gewerberegister mirror: businesses with name, Geschäftsbezeichnung and address search.

Revision ID: b1e2c3d4gw01
Revises: 8ef484fde802
Create Date: 2026-11-22 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'b1e2c3d4gw01'
down_revision: str | None = '8ef484fde802'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('gw_businesses',
    sa.Column('business_id', sa.String(length=64), nullable=False),
    sa.Column('name_normalised', sa.String(length=200), nullable=False),
    sa.Column('name_phonetic', sa.String(length=200), nullable=False),
    sa.Column('designation_normalised', sa.String(length=200), nullable=True),
    sa.Column('designation_phonetic', sa.String(length=200), nullable=True),
    sa.Column('street_normalised', sa.String(length=200), nullable=False),
    sa.Column('house_number', sa.String(length=32), nullable=False),
    sa.Column('postal_code', sa.String(length=12), nullable=False),
    sa.Column('betriebsende', sa.Date(), nullable=True),
    sa.Column('record', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('business_id', name=op.f('pk_gw_businesses'))
    )
    op.create_index('ix_gw_businesses_designation_normalised', 'gw_businesses', ['designation_normalised'], unique=False)
    op.create_index('ix_gw_businesses_designation_phonetic', 'gw_businesses', ['designation_phonetic'], unique=False)
    op.create_index('ix_gw_businesses_name_normalised', 'gw_businesses', ['name_normalised'], unique=False)
    op.create_index('ix_gw_businesses_name_phonetic', 'gw_businesses', ['name_phonetic'], unique=False)
    op.create_index('ix_gw_businesses_street_house', 'gw_businesses', ['street_normalised', 'house_number'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_gw_businesses_street_house', table_name='gw_businesses')
    op.drop_index('ix_gw_businesses_name_phonetic', table_name='gw_businesses')
    op.drop_index('ix_gw_businesses_name_normalised', table_name='gw_businesses')
    op.drop_index('ix_gw_businesses_designation_phonetic', table_name='gw_businesses')
    op.drop_index('ix_gw_businesses_designation_normalised', table_name='gw_businesses')
    op.drop_table('gw_businesses')
