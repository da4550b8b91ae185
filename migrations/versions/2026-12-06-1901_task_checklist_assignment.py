"""Tasks record the checklist steps the office did and whom a task is assigned to.

``checklist_done``: the steps of the task's checklist (hub/tasks/checklist.py) the official
confirmed when closing, as their texts, so the record shows what was done, not what the
code says today. ``assigned_to``: the workbench account working the task (NULL: nobody).

Revision ID: d7uitask02
Revises: d7uilang01
Create Date: 2026-12-06 19:01:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'd7uitask02'
down_revision: str | None = 'd7uilang01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.add_column('tasks', sa.Column('checklist_done', _json, nullable=True))
    op.add_column('tasks', sa.Column('assigned_to', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tasks') as batch:
        batch.drop_column('assigned_to')
        batch.drop_column('checklist_done')
