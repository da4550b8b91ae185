"""Change feeds of the mirrored registers: feed state, protective changes applied
ahead of their turn, the sync log (seq ranges and counts, never values), and the maximum lag
per register in the catalogue (15 minutes for the Melderegister, one day for the others).

Revision ID: d3mirrorfeed1
Revises: c1speedqry11
Create Date: 2026-12-06 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d3mirrorfeed1"
down_revision: str | None = "d5authlim01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_MAX_LAG = {"melderegister": 900, "gewerberegister": 86400, "personenstandsregister": 86400}


def upgrade() -> None:
    op.create_table(
        "mirror_state",
        sa.Column("register", sa.String(length=64), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_change_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("register", name=op.f("pk_mirror_state")),
    )
    op.create_table(
        "mirror_ahead",
        sa.Column("register", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("record_key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("register", "seq", name=op.f("pk_mirror_ahead")),
    )
    op.create_table(
        "mirror_sync_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("register", sa.String(length=64), nullable=False),
        sa.Column("ledger_entry_id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("authority", sa.String(length=64), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("seq_from", sa.BigInteger(), nullable=True),
        sa.Column("seq_to", sa.BigInteger(), nullable=True),
        sa.Column("upserts", sa.Integer(), nullable=False),
        sa.Column("deletes", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("protection_first", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_change_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lag_seconds", sa.Integer(), nullable=True),
        sa.Column("ledgered", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mirror_sync_log")),
        sa.UniqueConstraint("ledger_entry_id", name=op.f("uq_mirror_sync_log_ledger_entry_id")),
    )
    op.create_index(
        "ix_mirror_sync_log_register_applied", "mirror_sync_log", ["register", "applied_at"]
    )
    op.create_index("ix_mirror_sync_log_ledgered", "mirror_sync_log", ["ledgered"])
    with op.batch_alter_table("catalogue_registers") as batch:
        batch.add_column(sa.Column("max_lag_seconds", sa.Integer(), nullable=True))
    registers = sa.table("catalogue_registers", sa.column("id"), sa.column("max_lag_seconds"))
    for register, seconds in DEFAULT_MAX_LAG.items():
        op.execute(
            registers.update().where(registers.c.id == register).values(max_lag_seconds=seconds)
        )


def downgrade() -> None:
    with op.batch_alter_table("catalogue_registers") as batch:
        batch.drop_column("max_lag_seconds")
    op.drop_index("ix_mirror_sync_log_ledgered", table_name="mirror_sync_log")
    op.drop_index("ix_mirror_sync_log_register_applied", table_name="mirror_sync_log")
    op.drop_table("mirror_sync_log")
    op.drop_table("mirror_ahead")
    op.drop_table("mirror_state")
