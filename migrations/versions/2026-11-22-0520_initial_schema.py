"""Initial schema: catalogue, clients, ledger, tasks and the Melderegister mirror.

Revision ID: 8ef484fde802
Revises: 
Create Date: 2026-11-22 05:20:51.324295
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '8ef484fde802'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('authorities',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_authorities'))
    )
    op.create_table('catalogue_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_state'))
    )
    op.create_table('field_releases',
    sa.Column('register', sa.String(length=64), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('dataset', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('changed_by', sa.String(length=200), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('register', 'field', name=op.f('pk_field_releases'))
    )
    op.create_table('ledger_entries',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('entry_id', sa.String(length=36), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('authority', sa.String(length=64), nullable=True),
    sa.Column('user_id', sa.String(length=200), nullable=True),
    sa.Column('user_roles', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('user_roles_ignored', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('purpose', sa.String(length=64), nullable=True),
    sa.Column('case_reference', sa.String(length=200), nullable=True),
    sa.Column('register', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=True),
    sa.Column('hit_person_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('released_person_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('hit_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('fields_requested', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('fields_released', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('fields_withheld', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=100), nullable=False),
    sa.Column('decision_id', sa.String(length=36), nullable=True),
    sa.Column('policy_revision', sa.String(length=100), nullable=True),
    sa.Column('catalogue_revision', sa.Integer(), nullable=True),
    sa.Column('legal_basis', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('retention_class', sa.String(length=32), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('entry_hash', name=op.f('uq_ledger_entries_entry_hash')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_ledger_entries_entry_id'))
    )
    op.create_index('ix_ledger_entries_client_occurred', 'ledger_entries', ['client_id', 'occurred_at'], unique=False)
    op.create_index('ix_ledger_entries_occurred_at', 'ledger_entries', ['occurred_at'], unique=False)
    op.create_table('purposes',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('register', sa.String(length=64), nullable=False),
    sa.Column('legal_basis', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_purposes'))
    )
    op.create_table('tasks',
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('register', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=False),
    sa.Column('ledger_entry_id', sa.String(length=36), nullable=False),
    sa.Column('authority', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.String(length=64), nullable=False),
    sa.Column('case_reference', sa.String(length=200), nullable=False),
    sa.Column('reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('query_kind', sa.String(length=32), nullable=False),
    sa.Column('fields_requested', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=200), nullable=True),
    sa.Column('resolution', sa.String(length=2000), nullable=True),
    sa.PrimaryKeyConstraint('task_id', name=op.f('pk_tasks'))
    )
    op.create_index('ix_tasks_status_created', 'tasks', ['status', 'created_at'], unique=False)
    op.create_table('clients',
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('authority_code', sa.String(length=64), nullable=False),
    sa.Column('secret_hash', sa.String(length=256), nullable=True),
    sa.Column('scopes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('trusted_roles', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('jwks', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['authority_code'], ['authorities.code'], name=op.f('fk_clients_authority_code_authorities')),
    sa.PrimaryKeyConstraint('client_id', name=op.f('pk_clients'))
    )
    op.create_table('purpose_allowances',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('purpose_code', sa.String(length=64), nullable=False),
    sa.Column('authority_code', sa.String(length=64), nullable=False),
    sa.Column('register', sa.String(length=64), nullable=False),
    sa.Column('kinds', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('fields', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('legal_basis', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('approval_reference', sa.String(length=200), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['authority_code'], ['authorities.code'], name=op.f('fk_purpose_allowances_authority_code_authorities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['purpose_code'], ['purposes.code'], name=op.f('fk_purpose_allowances_purpose_code_purposes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purpose_allowances')),
    sa.UniqueConstraint('purpose_code', 'authority_code', 'register', name=op.f('uq_purpose_allowances_purpose_code'))
    )
    op.create_table('mr_persons',
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('birth_place', sa.String(length=200), nullable=True),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('death_date', sa.Date(), nullable=True),
    sa.Column('death_place', sa.String(length=200), nullable=True),
    sa.Column('moved_away_date', sa.Date(), nullable=True),
    sa.Column('sperre_basis', sa.String(length=16), nullable=True),
    sa.Column('sperre_initiator', sa.String(length=64), nullable=True),
    sa.Column('bedingter_sperrvermerk', sa.Boolean(), nullable=False),
    sa.Column('azr_no', sa.String(length=12), nullable=True),
    sa.Column('record', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_mr_persons'))
    )
    op.create_index(op.f('ix_mr_persons_birth_date'), 'mr_persons', ['birth_date'], unique=False)
    op.create_table('mr_addresses',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('street_normalised', sa.String(length=200), nullable=False),
    sa.Column('house_number', sa.String(length=32), nullable=False),
    sa.Column('postal_code', sa.String(length=12), nullable=False),
    sa.Column('city_normalised', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('moved_in', sa.Date(), nullable=True),
    sa.Column('moved_out', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['mr_persons.person_id'], name=op.f('fk_mr_addresses_person_id_mr_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mr_addresses'))
    )
    op.create_index(op.f('ix_mr_addresses_person_id'), 'mr_addresses', ['person_id'], unique=False)
    op.create_index('ix_mr_addresses_street_house', 'mr_addresses', ['street_normalised', 'house_number'], unique=False)
    op.create_table('mr_person_names',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('normalised', sa.String(length=200), nullable=False),
    sa.Column('phonetic', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['mr_persons.person_id'], name=op.f('fk_mr_person_names_person_id_mr_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mr_person_names'))
    )
    op.create_index('ix_mr_person_names_normalised', 'mr_person_names', ['normalised'], unique=False)
    op.create_index(op.f('ix_mr_person_names_person_id'), 'mr_person_names', ['person_id'], unique=False)
    op.create_index('ix_mr_person_names_phonetic', 'mr_person_names', ['phonetic'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_mr_person_names_phonetic', table_name='mr_person_names')
    op.drop_index(op.f('ix_mr_person_names_person_id'), table_name='mr_person_names')
    op.drop_index('ix_mr_person_names_normalised', table_name='mr_person_names')
    op.drop_table('mr_person_names')
    op.drop_index('ix_mr_addresses_street_house', table_name='mr_addresses')
    op.drop_index(op.f('ix_mr_addresses_person_id'), table_name='mr_addresses')
    op.drop_table('mr_addresses')
    op.drop_index(op.f('ix_mr_persons_birth_date'), table_name='mr_persons')
    op.drop_table('mr_persons')
    op.drop_table('purpose_allowances')
    op.drop_table('clients')
    op.drop_index('ix_tasks_status_created', table_name='tasks')
    op.drop_table('tasks')
    op.drop_table('purposes')
    op.drop_index('ix_ledger_entries_occurred_at', table_name='ledger_entries')
    op.drop_index('ix_ledger_entries_client_occurred', table_name='ledger_entries')
    op.drop_table('ledger_entries')
    op.drop_table('field_releases')
    op.drop_table('catalogue_state')
    op.drop_table('authorities')
