"""Open aggregates a steward approves and their publications; German dataset titles.

The default catalogue named datasets "<register title>: <internal name>" and used internal
ids as keywords; rows still carrying exactly those defaults get the German title and
keywords of ``governance.catalogue_defaults.DATASET_TITLES`` (a steward's own text stays).

Revision ID: d8opendata01
Revises: c1speedqry11
Create Date: 2026-12-06 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from governance.catalogue_defaults import DATASET_TITLES
from governance.types import BigId, JsonColumn

revision: str = 'd8opendata01'
down_revision: str | None = 'd7uitask02'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_datasets = sa.table(
    'catalogue_datasets',
    sa.column('register', sa.String),
    sa.column('name', sa.String),
    sa.column('title', sa.String),
    sa.column('keywords', JsonColumn),
)
_registers = sa.table('catalogue_registers', sa.column('id', sa.String), sa.column('title', sa.String))


def _german_titles() -> None:
    connection = op.get_bind()
    titles = dict(connection.execute(sa.select(_registers.c.id, _registers.c.title)).all())
    for (register, name), (title, keywords) in DATASET_TITLES.items():
        if register not in titles:
            continue
        op.execute(
            _datasets.update()
            .where(
                _datasets.c.register == register,
                _datasets.c.name == name,
                _datasets.c.title == f'{titles[register]}: {name}',
            )
            .values(title=title, keywords=list(keywords))
        )


def upgrade() -> None:
    op.create_table(
        'opendata_aggregates',
        sa.Column('code', sa.String(length=64), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.String(length=4000), nullable=False),
        sa.Column('source_register', sa.String(length=64), nullable=False),
        sa.Column('statistic', sa.String(length=32), nullable=False),
        sa.Column('dimensions', JsonColumn, nullable=False),
        sa.Column('reference', sa.String(length=16), nullable=False),
        sa.Column('legal_basis', JsonColumn, nullable=False),
        sa.Column('licence', sa.String(length=300), nullable=False),
        sa.Column('threshold', sa.Integer(), nullable=False),
        sa.Column('keywords', JsonColumn, nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('defined_by', sa.String(length=200), nullable=False),
        sa.Column('approved_by', sa.String(length=200), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_opendata_aggregates')),
    )
    op.create_table(
        'opendata_publications',
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('aggregate_code', sa.String(length=64), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=10), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('row_count', sa.Integer(), nullable=False),
        sa.Column('suppressed', sa.Integer(), nullable=False),
        sa.Column('csv_sha256', sa.String(length=64), nullable=False),
        sa.Column('csv_bytes', sa.Integer(), nullable=False),
        sa.Column('json_sha256', sa.String(length=64), nullable=False),
        sa.Column('json_bytes', sa.Integer(), nullable=False),
        sa.Column('ledger_entry_id', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ['aggregate_code'],
            ['opendata_aggregates.code'],
            name=op.f('fk_opendata_publications_aggregate_code_opendata_aggregates'),
            ondelete='RESTRICT',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_opendata_publications')),
        sa.UniqueConstraint(
            'aggregate_code',
            'revision',
            'reference',
            name=op.f('uq_opendata_publications_aggregate_code'),
        ),
    )
    _german_titles()


def downgrade() -> None:
    op.drop_table('opendata_publications')
    op.drop_table('opendata_aggregates')
