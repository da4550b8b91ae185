"""The application role may work with every table the hub uses, but the ledger stays append-only.

Until now ``hub_app`` held rights on the ledger tables only, so a login granted ``hub_app``
(as README "Deployment" and deploy/k8s prescribe) could not read clients or registers. Grants
here: SELECT/INSERT/UPDATE/DELETE on every other table, sequences, and the same by default for
tables later migrations create (a later ledger-like table revokes what it must not allow).
PostgreSQL only; SQLite has no roles.

Revision ID: f6a7b8c9au06
Revises: f5d6e7f8au05
Create Date: 2026-11-30 22:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f6a7b8c9au06'
down_revision: str | None = 'f5d6e7f8au05'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = 'hub_app'
# Their rights are set where they were created (append-only, purge role); never widened here.
LEDGER_TABLES = frozenset(
    {
        'ledger_entries',
        'ledger_checkpoints',
        'ledger_tombstones',
        'ledger_purges',
        'ledger_purge_grant',
        'ledger_person_refs',
        'review_cases',
        'alembic_version',
    }
)


def _app_tables() -> list[str]:
    rows = op.get_bind().execute(
        sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    )
    return [name for (name,) in rows if name not in LEDGER_TABLES]


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in _app_tables():
        op.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON "{table}" TO {APP_ROLE}')
    op.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}')
    op.execute(f'GRANT SELECT ON ledger_purges, alembic_version TO {APP_ROLE}')
    op.execute(
        'ALTER DEFAULT PRIVILEGES IN SCHEMA public '
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}'
    )
    op.execute(
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE}'
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM {APP_ROLE}'
    )
    op.execute(
        'ALTER DEFAULT PRIVILEGES IN SCHEMA public '
        f'REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {APP_ROLE}'
    )
    op.execute(f'REVOKE SELECT ON ledger_purges, alembic_version FROM {APP_ROLE}')
    op.execute(f'REVOKE USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public FROM {APP_ROLE}')
    for table in _app_tables():
        op.execute(f'REVOKE SELECT, INSERT, UPDATE, DELETE ON "{table}" FROM {APP_ROLE}')
