"""Review cases opened by the ledger's anomaly rules.

Revision ID: f3b4c5d6au03
Revises: f2a3b4c5au02
Create Date: 2026-11-30 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'f3b4c5d6au03'
down_revision: str | None = 'f2a3b4c5au02'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('review_cases',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('subject_kind', sa.String(length=32), nullable=False),
    sa.Column('subject', JSON, nullable=False),
    sa.Column('subject_key', sa.String(length=64), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('window_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_seq', BIG_ID, nullable=False),
    sa.Column('last_seq', BIG_ID, nullable=False),
    sa.Column('entry_ids', JSON, nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('observed', sa.Integer(), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('summary', sa.String(length=1000), nullable=False),
    sa.Column('parameters', JSON, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=200), nullable=True),
    sa.Column('close_note', sa.String(length=4000), nullable=True),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_review_cases'))
    )
    op.create_index(
        'ix_review_cases_rule_subject',
        'review_cases',
        ['rule', 'subject_key', 'status'],
        unique=False,
    )
    op.create_index(
        'ix_review_cases_status_opened', 'review_cases', ['status', 'opened_at'], unique=False
    )
    if op.get_bind().dialect.name == 'postgresql':
        # A case is a record of the DPO's review: opened, extended and closed, never deleted.
        op.execute('GRANT SELECT, INSERT, UPDATE ON review_cases TO hub_app')


def downgrade() -> None:
    op.drop_index('ix_review_cases_status_opened', table_name='review_cases')
    op.drop_index('ix_review_cases_rule_subject', table_name='review_cases')
    op.drop_table('review_cases')
