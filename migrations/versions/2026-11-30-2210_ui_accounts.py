"""Workbench accounts and login sessions (/ui; local accounts and OIDC).

Revision ID: f4c5d6e7au04
Revises: f3b4c5d6au03
Create Date: 2026-11-30 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'f4c5d6e7au04'
down_revision: str | None = 'f3b4c5d6au03'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('ui_accounts',
    sa.Column('account_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=True),
    sa.Column('roles', JSON, nullable=False),
    sa.Column('oidc_issuer', sa.String(length=500), nullable=True),
    sa.Column('oidc_subject', sa.String(length=255), nullable=True),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_ui_accounts')),
    sa.UniqueConstraint('oidc_issuer', 'oidc_subject', name='uq_ui_accounts_oidc_identity'),
    sa.UniqueConstraint('username', name=op.f('uq_ui_accounts_username'))
    )
    op.create_table('ui_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('login_method', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['ui_accounts.account_id'], name=op.f('fk_ui_sessions_account_id_ui_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_ui_sessions'))
    )
    op.create_index('ix_ui_sessions_account_id', 'ui_sessions', ['account_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_ui_sessions_account_id', table_name='ui_sessions')
    op.drop_table('ui_sessions')
    op.drop_table('ui_accounts')
