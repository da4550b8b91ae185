"""A neutral hold's Sperre basis and initiator get their own task columns.

Until now they travelled inside ``tasks.reasons`` as ``"sperre_basis:<basis>"`` and
``"sperre_initiator:<authority>"``. Upgrade moves such values into the new columns and out of
``reasons``; downgrade puts them back in the old form and drops the columns.

Revision ID: b4lawloos009
Revises: f6a7b8c9au06
Create Date: 2026-12-06 16:04:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'b4lawloos009'
down_revision: str | None = 'f6a7b8c9au06'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BASIS_PREFIX = 'sperre_basis:'
INITIATOR_PREFIX = 'sperre_initiator:'
# The old code wrote str(None) when the Sperre lacked a member.
MISSING = 'None'

_json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
tasks = sa.table(
    'tasks',
    sa.column('task_id', sa.String()),
    sa.column('reasons', _json),
    sa.column('sperre_basis', sa.String()),
    sa.column('sperre_initiator', sa.String()),
)


def _value(reasons: list[str], prefix: str) -> str | None:
    found = [reason[len(prefix) :] for reason in reasons if reason.startswith(prefix)]
    return found[0] if found and found[0] != MISSING else None


def upgrade() -> None:
    op.add_column('tasks', sa.Column('sperre_basis', sa.String(length=16), nullable=True))
    op.add_column('tasks', sa.Column('sperre_initiator', sa.String(length=64), nullable=True))
    bind = op.get_bind()
    for task_id, reasons in bind.execute(sa.select(tasks.c.task_id, tasks.c.reasons)).all():
        reasons = list(reasons or [])
        prefixed = [r for r in reasons if r.startswith((BASIS_PREFIX, INITIATOR_PREFIX))]
        if not prefixed:
            continue
        bind.execute(
            tasks.update()
            .where(tasks.c.task_id == task_id)
            .values(
                reasons=[r for r in reasons if r not in prefixed],
                sperre_basis=_value(reasons, BASIS_PREFIX),
                sperre_initiator=_value(reasons, INITIATOR_PREFIX),
            )
        )


def downgrade() -> None:
    bind = op.get_bind()
    held = sa.or_(tasks.c.sperre_basis.is_not(None), tasks.c.sperre_initiator.is_not(None))
    rows = bind.execute(
        sa.select(
            tasks.c.task_id, tasks.c.reasons, tasks.c.sperre_basis, tasks.c.sperre_initiator
        ).where(held)
    ).all()
    for task_id, reasons, basis, initiator in rows:
        restored = [
            *(reasons or []),
            f'{BASIS_PREFIX}{basis or MISSING}',
            f'{INITIATOR_PREFIX}{initiator or MISSING}',
        ]
        bind.execute(tasks.update().where(tasks.c.task_id == task_id).values(reasons=restored))
    with op.batch_alter_table('tasks') as batch:
        batch.drop_column('sperre_initiator')
        batch.drop_column('sperre_basis')
