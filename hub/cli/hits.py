"""``hub hits``: opaque hit IDs."""

from __future__ import annotations

import asyncio

import typer

from hub.cli.common import print_json
from hub.config import Settings

app = typer.Typer(no_args_is_help=True, help="Opaque hit IDs (valid 48 h)")


@app.command("purge")
def hits_purge() -> None:
    """Delete expired hit IDs (cron; follow-ups refuse them by expiry until then)."""
    from hub.admin.service import purge_hit_refs  # noqa: PLC0415

    print_json({"purged": asyncio.run(purge_hit_refs(Settings()))})
