"""Append-only access ledger, signed checkpoints, tombstones of purged entries.

SQLite: triggers refuse UPDATE always and DELETE unless the purge opened its one-row grant
inside its own transaction. PostgreSQL: a trigger refuses UPDATE always and DELETE unless the
current role is a member of ``hub_ledger_purge``; ``hub_app`` gets SELECT/INSERT only. Roles
are cluster-wide, so they are created if missing and never dropped (README, Deployment).

Revision ID: f1a2b3c4au01
Revises: e1f2a3b4hr01
Create Date: 2026-11-30 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f1a2b3c4au01'
down_revision: str | None = 'e1f2a3b4hr01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = 'hub_app'
PURGE_ROLE = 'hub_ledger_purge'

SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
    BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END
    """,
    """
    CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
    WHEN NOT EXISTS (SELECT 1 FROM ledger_purge_grant)
    BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only (purge only)'); END
    """,
    """
    CREATE TRIGGER ledger_checkpoints_no_update BEFORE UPDATE ON ledger_checkpoints
    BEGIN SELECT RAISE(ABORT, 'ledger_checkpoints is append-only'); END
    """,
    """
    CREATE TRIGGER ledger_tombstones_no_update BEFORE UPDATE ON ledger_tombstones
    BEGIN SELECT RAISE(ABORT, 'ledger_tombstones is append-only'); END
    """,
)

# Concurrent migrations of many databases on one cluster race on CREATE ROLE: swallow that.
PG_ROLES = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
        BEGIN
            CREATE ROLE {APP_ROLE} NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{PURGE_ROLE}') THEN
        BEGIN
            CREATE ROLE {PURGE_ROLE} NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
END
$$
"""

PG_GUARD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ledger_entries_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND pg_has_role(current_user, '{PURGE_ROLE}', 'MEMBER') THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""

PG_APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""

PG_STATEMENTS = (
    PG_ROLES,
    PG_GUARD_FUNCTION,
    PG_APPEND_ONLY_FUNCTION,
    'CREATE TRIGGER ledger_entries_guard BEFORE UPDATE OR DELETE ON ledger_entries '
    'FOR EACH ROW EXECUTE FUNCTION ledger_entries_guard()',
    'CREATE TRIGGER ledger_checkpoints_append_only BEFORE UPDATE ON ledger_checkpoints '
    'FOR EACH ROW EXECUTE FUNCTION ledger_append_only()',
    'CREATE TRIGGER ledger_tombstones_append_only BEFORE UPDATE ON ledger_tombstones '
    'FOR EACH ROW EXECUTE FUNCTION ledger_append_only()',
    f'REVOKE UPDATE, DELETE, TRUNCATE ON ledger_entries FROM {APP_ROLE}',
    f'GRANT SELECT, INSERT ON ledger_entries, ledger_checkpoints, ledger_tombstones TO {APP_ROLE}',
    f'GRANT SELECT, DELETE ON ledger_entries TO {PURGE_ROLE}',
    f'GRANT SELECT, INSERT ON ledger_checkpoints, ledger_tombstones TO {PURGE_ROLE}',
)


def upgrade() -> None:
    op.create_table('ledger_checkpoints',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('head_seq', sa.BigInteger(), nullable=False),
    sa.Column('head_entry_id', sa.String(length=36), nullable=True),
    sa.Column('chain_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_count', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('key_id', sa.String(length=32), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_checkpoints'))
    )
    op.create_index('ix_ledger_checkpoints_head_seq', 'ledger_checkpoints', ['head_seq'], unique=False)
    op.create_table('ledger_tombstones',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retention_class', sa.String(length=32), nullable=False),
    sa.Column('purged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checkpoint_id', sa.BigInteger(), nullable=False),
    sa.Column('key_id', sa.String(length=32), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_ledger_tombstones'))
    )
    op.create_table('ledger_purges',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('purged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cutoff_now', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checkpoint_id', sa.BigInteger(), nullable=False),
    sa.Column('first_seq', sa.BigInteger(), nullable=True),
    sa.Column('last_seq', sa.BigInteger(), nullable=True),
    sa.Column('purged_count', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON().with_variant(sa.dialects.postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_purges'))
    )
    op.create_table('ledger_purge_grant',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_purge_grant'))
    )
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    elif bind.dialect.name == 'postgresql':
        for statement in PG_STATEMENTS:
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for name in (
            'ledger_entries_no_update',
            'ledger_entries_no_delete',
            'ledger_checkpoints_no_update',
            'ledger_tombstones_no_update',
        ):
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    elif bind.dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS ledger_entries_guard ON ledger_entries')
        op.execute(f'REVOKE ALL ON ledger_entries FROM {APP_ROLE}, {PURGE_ROLE}')
        # Roles stay: other databases on the cluster may still use them.
    op.drop_table('ledger_purge_grant')
    op.drop_table('ledger_purges')
    op.drop_table('ledger_tombstones')
    op.drop_index('ix_ledger_checkpoints_head_seq', table_name='ledger_checkpoints')
    op.drop_table('ledger_checkpoints')
    if bind.dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS ledger_entries_guard()')
        op.execute('DROP FUNCTION IF EXISTS ledger_append_only()')
