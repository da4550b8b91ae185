"""Person index of the ledger for the citizen view (BMG §10/§11, DSGVO Art. 15), backfilled.

Revision ID: f2a3b4c5au02
Revises: f1a2b3c4au01
Create Date: 2026-11-30 21:10:00.000000
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = 'f2a3b4c5au02'
down_revision: str | None = 'f1a2b3c4au01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000


def _ids(value: Any) -> list[str]:
    # SQLite hands JSON back as text, PostgreSQL (JSONB) as a list.
    if isinstance(value, str):
        value = json.loads(value)
    return [str(item) for item in value or []]


def _backfill() -> None:
    bind = op.get_bind()
    refs = sa.table(
        'ledger_person_refs',
        sa.column('entry_id', sa.String),
        sa.column('person_id', sa.String),
        sa.column('register', sa.String),
        sa.column('occurred_at'),  # untyped: copied as read (SQLite text, PG timestamptz)
        sa.column('released', sa.Boolean),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.text(
                'SELECT seq, entry_id, register, occurred_at, hit_person_ids, released_person_ids'
                ' FROM ledger_entries WHERE seq > :last ORDER BY seq LIMIT :batch'
            ),
            {'last': last, 'batch': BATCH},
        ).all()
        if not rows:
            return
        values = []
        for row in rows:
            released = set(_ids(row.released_person_ids))
            for person_id in dict.fromkeys([*_ids(row.hit_person_ids), *released]):
                values.append(
                    {
                        'entry_id': row.entry_id,
                        'person_id': person_id,
                        'register': row.register,
                        'occurred_at': row.occurred_at,
                        'released': person_id in released,
                    }
                )
        if values:
            bind.execute(refs.insert(), values)
        last = rows[-1].seq


def upgrade() -> None:
    op.create_table('ledger_person_refs',
    sa.Column('entry_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('register', sa.String(length=64), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('released', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('entry_id', 'person_id', name=op.f('pk_ledger_person_refs'))
    )
    op.create_index(
        'ix_ledger_person_refs_person_time',
        'ledger_person_refs',
        ['register', 'person_id', 'occurred_at'],
        unique=False,
    )
    if op.get_bind().dialect.name == 'postgresql':
        # Like the ledger: the app inserts and reads; only the purge role may delete.
        op.execute('GRANT SELECT, INSERT ON ledger_person_refs TO hub_app')
        op.execute('GRANT SELECT, DELETE ON ledger_person_refs TO hub_ledger_purge')
    _backfill()


def downgrade() -> None:
    op.drop_index('ix_ledger_person_refs_person_time', table_name='ledger_person_refs')
    op.drop_table('ledger_person_refs')
