"""``hub opendata``: open aggregates (offene Daten)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated

import typer

from hub.cli.common import fail, print_json
from hub.config import Settings

app = typer.Typer(no_args_is_help=True, help="Open aggregates (offene Daten)")


@app.command("define")
def opendata_define(
    steward: Annotated[str, typer.Option(help="Who enters the definitions (recorded)")],
    code: Annotated[list[str] | None, typer.Option("--code", help="Only these aggregates")] = None,
) -> None:
    """Enter the city's proposed aggregates (unreviewed) that are not defined yet."""
    from hub.opendata.definitions_service import define_defaults  # noqa: PLC0415

    changes = asyncio.run(define_defaults(Settings(), actor=steward, codes=code or ()))
    print_json([{"code": c.code, "status": c.status, "revision": c.revision} for c in changes])


@app.command("approve")
def opendata_approve(
    code: Annotated[str, typer.Argument(help="the aggregate's code (hub opendata define)")],
    steward: Annotated[str, typer.Option(help="The approving steward (recorded)")],
    reason: Annotated[str, typer.Option(help="Why the aggregate may be published")] = "",
) -> None:
    """A steward approves an aggregate for publication (recorded in the catalogue history)."""
    from hub.opendata.definitions_service import DefinitionError, approve  # noqa: PLC0415

    try:
        change = asyncio.run(approve(Settings(), code, actor=steward, reason=reason))
    except DefinitionError as error:
        raise fail(f"error: {error}", code=2) from error
    print_json({"code": change.code, "status": change.status, "revision": change.revision})


@app.command("publish")
def opendata_publish(
    today: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Run as of this day (default: today)"),
    ] = None,
) -> None:
    """Publish every approved aggregate for the month before today (cron-safe, idempotent)."""
    from hub.opendata.service import publish  # noqa: PLC0415

    report = asyncio.run(publish(Settings(), today=today.date() if today else None))
    print_json(report.as_json())
    if report.refused:
        raise typer.Exit(1)
