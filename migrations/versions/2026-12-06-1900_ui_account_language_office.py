"""Workbench accounts get a language (German by default) and a register office.

``language``: the workbenches speak German unless the account chose English.
``office``: the authority code of the register office the account works for (e.g.
``meldebehoerde``, ``standesamt``); /ui/tasks shows only the tasks of the registers that
office operates. NULL for accounts without the register office role.

Revision ID: d7uilang01
Revises: c1speedqry11
Create Date: 2026-12-06 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd7uilang01'
down_revision: str | None = 'd2neutral01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'ui_accounts', sa.Column('language', sa.String(length=8), server_default='de', nullable=False)
    )
    op.add_column('ui_accounts', sa.Column('office', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ui_accounts') as batch:
        batch.drop_column('office')
        batch.drop_column('language')
