"""Cross-process acknowledgement of a Sperre push.

``protection_epoch``: one row, raised after each committed batch carrying a Sperre;
``drain_workers``: one row per running hub process with its heartbeat and the epoch up to
which its queries in flight have drained. The app role gets its rights from the default
privileges.

Revision ID: drain01epoch
Revises: d8opendata01
Create Date: 2026-12-06 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'drain01epoch'
down_revision: str | None = 'd8opendata01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    epoch = op.create_table(
        'protection_epoch',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('epoch', _BIG, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_protection_epoch')),
    )
    op.bulk_insert(epoch, [{'id': 1, 'epoch': 0}])
    op.create_table(
        'drain_workers',
        sa.Column('worker_id', sa.String(length=36), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('drained_epoch', _BIG, nullable=False),
        sa.PrimaryKeyConstraint('worker_id', name=op.f('pk_drain_workers')),
    )


def downgrade() -> None:
    op.drop_table('drain_workers')
    op.drop_table('protection_epoch')
