"""Person search indexes lead with the name kind and carry the person.

Every search matches ``kind`` and the normalised or phonetic name together, so the indexes
(kind, normalised, person_id) and (kind, phonetic, person_id) replace the single-column ones.
ANALYZE gives the planners the row counts: without them SQLite walks every person with a
common surname instead of the few born on the searched date (5.6 ms against 0.02 ms on the
160,000-person demo). Imports analyse again (adapters.melderegister.store).

Revision ID: c1speedqry11
Revises: b6speedldg10
Create Date: 2026-12-06 17:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'c1speedqry11'
down_revision: str | None = 'b6speedldg10'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MIRROR_TABLES = ('mr_persons', 'mr_person_names', 'mr_addresses')


def _analyze() -> None:
    for table in _MIRROR_TABLES:
        op.execute(f'ANALYZE {table}')


def upgrade() -> None:
    op.drop_index('ix_mr_person_names_normalised', table_name='mr_person_names')
    op.drop_index('ix_mr_person_names_phonetic', table_name='mr_person_names')
    op.create_index(
        'ix_mr_person_names_kind_normalised',
        'mr_person_names',
        ['kind', 'normalised', 'person_id'],
    )
    op.create_index(
        'ix_mr_person_names_kind_phonetic', 'mr_person_names', ['kind', 'phonetic', 'person_id']
    )
    _analyze()


def downgrade() -> None:
    op.drop_index('ix_mr_person_names_kind_phonetic', table_name='mr_person_names')
    op.drop_index('ix_mr_person_names_kind_normalised', table_name='mr_person_names')
    op.create_index('ix_mr_person_names_normalised', 'mr_person_names', ['normalised'])
    op.create_index('ix_mr_person_names_phonetic', 'mr_person_names', ['phonetic'])
    _analyze()
