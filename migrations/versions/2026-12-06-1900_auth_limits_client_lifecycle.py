"""Limits in front of authentication and the client lifecycle.

``auth_limit_windows``: per subject (source address or client id) and fixed window the
counts every worker and replica share; ``clients.tokens_valid_after``: tokens issued before
a secret rotation are refused. The app role gets its rights from the default privileges.

Revision ID: d5authlim01
Revises: c1speedqry11
Create Date: 2026-12-06 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd5authlim01'
down_revision: str | None = 'c1speedqry11'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'auth_limit_windows',
        sa.Column('subject', sa.String(length=128), nullable=False),
        sa.Column(
            'window_start',
            sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('limited', sa.Integer(), nullable=False),
        sa.Column('unledgered', sa.Integer(), nullable=False),
        sa.Column('ledger_entry_id', sa.String(length=36), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('subject', 'window_start', name=op.f('pk_auth_limit_windows')),
    )
    op.create_index(
        'ix_auth_limit_windows_window_start', 'auth_limit_windows', ['window_start']
    )
    op.add_column(
        'clients', sa.Column('tokens_valid_after', sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column('clients', 'tokens_valid_after')
    op.drop_index('ix_auth_limit_windows_window_start', table_name='auth_limit_windows')
    op.drop_table('auth_limit_windows')
