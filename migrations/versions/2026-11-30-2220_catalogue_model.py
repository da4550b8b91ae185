"""The data-steward catalogue model: datasets, fields, stewards, legal bases, duties, history.

Revision ID: f5d6e7f8au05
Revises: f4c5d6e7au04
Create Date: 2026-11-30 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'f5d6e7f8au05'
down_revision: str | None = 'f4c5d6e7au04'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

# New NOT NULL columns of field_releases: existing rows get these values (the server
# defaults stay, harmless, so that raw inserts from older code keep working).
_FIELD_RELEASE_COLUMNS = (
    ('status_reason', sa.String(length=2000), sa.text("''")),
    ('title', sa.String(length=200), sa.text("''")),
    ('classification', sa.String(length=32), sa.text("'personal'")),
    ('legal_reference', sa.String(length=200), sa.text("''")),
    ('xoev_element', sa.String(length=200), sa.text("''")),
    ('declared', sa.Boolean(), sa.true()),
)


def upgrade() -> None:
    op.create_table('catalogue_changes',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=False),
    sa.Column('before', JSON, nullable=True),
    sa.Column('after', JSON, nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_changes'))
    )
    op.create_index('ix_catalogue_changes_occurred_at', 'catalogue_changes', ['occurred_at'])
    op.create_index('ix_catalogue_changes_target', 'catalogue_changes', ['target'])
    op.create_table('catalogue_legal_bases',
    sa.Column('code', sa.String(length=120), nullable=False),
    sa.Column('norm', sa.String(length=64), nullable=False),
    sa.Column('paragraph', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_catalogue_legal_bases'))
    )
    op.create_table('catalogue_registers',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('owner_office', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('xoev_standard', sa.String(length=64), nullable=False),
    sa.Column('xoev_version', sa.String(length=32), nullable=False),
    sa.Column('mirrored', sa.Boolean(), nullable=False),
    sa.Column('declared', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_registers'))
    )
    op.create_table('catalogue_stewards',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=False),
    sa.Column('office', sa.String(length=200), nullable=False),
    sa.Column('username', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_stewards'))
    )
    op.create_table('catalogue_datasets',
    sa.Column('register', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=4000), nullable=False),
    sa.Column('owner_office', sa.String(length=200), nullable=False),
    sa.Column('open_data', sa.Boolean(), nullable=False),
    sa.Column('licence', sa.String(length=300), nullable=False),
    sa.Column('access_url', sa.String(length=500), nullable=False),
    sa.Column('keywords', JSON, nullable=False),
    sa.Column('legal_basis', JSON, nullable=False),
    sa.Column('declared', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['register'], ['catalogue_registers.id'], name=op.f('fk_catalogue_datasets_register_catalogue_registers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('register', 'name', name=op.f('pk_catalogue_datasets'))
    )
    op.create_table('catalogue_dataset_stewards',
    sa.Column('register', sa.String(length=64), nullable=False),
    sa.Column('dataset', sa.String(length=64), nullable=False),
    sa.Column('steward_id', BIG_ID, nullable=False),
    sa.Column('responsibility', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['register', 'dataset'], ['catalogue_datasets.register', 'catalogue_datasets.name'], name=op.f('fk_catalogue_dataset_stewards_register_catalogue_datasets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['steward_id'], ['catalogue_stewards.id'], name=op.f('fk_catalogue_dataset_stewards_steward_id_catalogue_stewards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('register', 'dataset', 'steward_id', name=op.f('pk_catalogue_dataset_stewards'))
    )
    op.create_table('catalogue_duties',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('register', sa.String(length=64), nullable=False),
    sa.Column('dataset', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('responsible_id', BIG_ID, nullable=True),
    sa.Column('interval_days', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('params', JSON, nullable=False),
    sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['register', 'dataset'], ['catalogue_datasets.register', 'catalogue_datasets.name'], name=op.f('fk_catalogue_duties_register_catalogue_datasets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['responsible_id'], ['catalogue_stewards.id'], name=op.f('fk_catalogue_duties_responsible_id_catalogue_stewards'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_duties'))
    )
    op.create_table('catalogue_duty_runs',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('duty_id', BIG_ID, nullable=False),
    sa.Column('ran_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('proof', JSON, nullable=False),
    sa.ForeignKeyConstraint(['duty_id'], ['catalogue_duties.id'], name=op.f('fk_catalogue_duty_runs_duty_id_catalogue_duties'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_duty_runs'))
    )
    for name, column_type, default in _FIELD_RELEASE_COLUMNS:
        op.add_column(
            'field_releases',
            sa.Column(name, column_type, nullable=False, server_default=default),
        )


def downgrade() -> None:
    with op.batch_alter_table('field_releases') as batch:
        for name, _, _ in reversed(_FIELD_RELEASE_COLUMNS):
            batch.drop_column(name)
    op.drop_table('catalogue_duty_runs')
    op.drop_table('catalogue_duties')
    op.drop_table('catalogue_dataset_stewards')
    op.drop_table('catalogue_datasets')
    op.drop_table('catalogue_stewards')
    op.drop_table('catalogue_registers')
    op.drop_table('catalogue_legal_bases')
    op.drop_index('ix_catalogue_changes_target', table_name='catalogue_changes')
    op.drop_index('ix_catalogue_changes_occurred_at', table_name='catalogue_changes')
    op.drop_table('catalogue_changes')
