"""``hub catalogue``: the data-steward catalogue."""

from __future__ import annotations

import typer

from hub.cli.common import print_json
from hub.config import Settings

app = typer.Typer(no_args_is_help=True, help="The data-steward catalogue")


@app.command("load")
def catalogue_load() -> None:
    """(Re)load the Darmstadt default catalogue, idempotently."""
    from hub.admin.service import load_catalogue  # noqa: PLC0415

    print_json(load_catalogue(Settings()))


@app.command("sync")
def catalogue_sync() -> None:
    """Add fields the adapters declare as unreviewed; flag fields they no longer declare."""
    from hub.catalogue.commands import run_sync  # noqa: PLC0415

    print_json(run_sync(Settings()))
