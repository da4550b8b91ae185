"""``hub duties``: catalogue duties (retention, reviews)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated

import typer

from hub.cli.common import fail, print_json
from hub.config import Settings

app = typer.Typer(no_args_is_help=True, help="Catalogue duties (retention, reviews)")


@app.command("run")
def duties_run(
    today: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Run as of this day (default: today)"),
    ] = None,
) -> None:
    """Mark due/overdue duties, run retention in mirrored registers, record proof (cron-safe)."""
    from adapters.registry import AdapterLoadError  # noqa: PLC0415
    from hub.catalogue.duties_service import run_duties  # noqa: PLC0415

    try:
        report = asyncio.run(run_duties(Settings(), today=today.date() if today else None))
    except AdapterLoadError as error:
        raise fail(f"error: {error}", code=2) from error
    print_json(report.as_json())
    if any(run["outcome"] == "failed" for run in report.runs):
        raise typer.Exit(1)
