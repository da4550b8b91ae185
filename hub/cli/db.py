"""``hub db``: the database schema."""

from __future__ import annotations

import typer

from hub.config import Settings

app = typer.Typer(no_args_is_help=True, help="Database schema")


@app.command("upgrade")
def db_upgrade() -> None:
    """Alembic ``upgrade head``."""
    from hub.kit.migrate import upgrade_head  # noqa: PLC0415 - keep CLI start-up light

    upgrade_head(Settings().database_url)
